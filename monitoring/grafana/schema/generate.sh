#!/usr/bin/env bash
# Regenerates dashboard.schema.json: the JSON schema of Grafana's dashboard model (the classic JSON
# a dashboard is imported and exported as), generated from the TypeScript types of the npm package
# @grafana/schema with ts-json-schema-generator. The build validates runex-dashboard.json against
# the committed copy (monitoring's GrafanaDashboardTest); run this when moving to a newer Grafana.
# Needs node and npm (and the npm registry); nothing is installed outside a temporary folder.
set -euo pipefail
GRAFANA_SCHEMA_VERSION="${GRAFANA_SCHEMA_VERSION:-13.2.3}"
GENERATOR_VERSION="${GENERATOR_VERSION:-2.9.0}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent \
  "@grafana/schema@$GRAFANA_SCHEMA_VERSION" "ts-json-schema-generator@$GENERATOR_VERSION" typescript
npx ts-json-schema-generator \
  --path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
  --type Dashboard --no-type-check -o "$HERE/dashboard.schema.json"
echo "wrote $HERE/dashboard.schema.json from @grafana/schema $GRAFANA_SCHEMA_VERSION" >&2
