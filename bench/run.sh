#!/usr/bin/env bash
# Builds runex and runs the end-to-end benchmark (bare transactional chain vs runex) on this machine.
# It starts its own Kafka broker and schema registry on free loopback ports and removes them after.
#
#   bench/run.sh                          full run: 50,000-job drains, 2,000 jobs/s for 20 s
#   bench/run.sh --records 5000 --duration-seconds 10
#   bench/run.sh --help                   every option
#   bench/run.sh scaling                  worker scaling: 1, 2, 4 worker processes (--help: options)
#   bench/run.sh garbage [--records N]    the garbage scenario: good jobs' drain rate with a bad
#                                         intake record after each job vs a clean drain (--help)
#   bench/run.sh torture --short          fault runner: random faults under load, then an audit
#   bench/run.sh soak [--minutes 30]      soak: a fixed mixed load, every process and store sampled;
#                                         samples.csv, soak.png and a verdict per series (--help)
#   bench/run.sh delayed                  delayed jobs: start/result lateness against the due time,
#                                         10,000 due over 20 s, then 10,000 due in one second, then
#                                         10 schedules firing every second for 30 s (--help)
#   bench/run.sh io                       50 ms I/O-bound jobs: runex vs Confluent's Parallel Consumer
#                                         (jobs/s, CPU per job, intake→result latency) (--help)
#   bench/run.sh txn                      back-to-back transactions of one producer: runex's broker
#                                         and client settings against Kafka's defaults (--help)
#   RUNEX_BENCH_SKIP_BUILD=1 bench/run.sh ...   reuse the last build
#   RUNEX_BENCH_JAVA_OPTS="-Xmx3g" ...          bench JVM options (default -Xmx2g: the heaps of the
#                                         topology and a worker in the Kubernetes base, 1 GB + 768 MB)
#
# The report goes to stdout, progress to stderr. Run on a quiet machine: broker, registry and both
# systems share the cores, so anything else running shows up in the numbers.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${RUNEX_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "building runex (mvn -B -q -Dmaven.test.skip=true package)..." >&2
  # Tests are not compiled either: the bench needs main code only. bench/pom.xml writes
  # bench/target/classpath.txt during this build (resolved in the reactor, no install needed).
  mvn -B -q -Dmaven.test.skip=true package >&2
fi

CP_FILE="$ROOT/bench/target/classpath.txt"
BENCH_JAR="$ROOT/bench/target/runex-bench-0.1.0-SNAPSHOT.jar"
if [[ ! -s "$CP_FILE" || ! -f "$BENCH_JAR" ]]; then
  echo "missing $CP_FILE or $BENCH_JAR: run without RUNEX_BENCH_SKIP_BUILD=1" >&2
  exit 1
fi

# The scenario: `bench/run.sh scaling ...` measures worker scaling, `garbage ...` intake garbage at
# load, `delayed ...` delayed jobs' lateness, `io ...` I/O-bound jobs against Parallel Consumer;
# anything else is the end-to-end benchmark.
MAIN=dev.runex.bench.EndToEndBench
if [[ "${1:-}" == scaling ]]; then
  MAIN=dev.runex.bench.scaling.ScalingBench
  shift
elif [[ "${1:-}" == garbage ]]; then
  MAIN=dev.runex.bench.GarbageBench
  shift
elif [[ "${1:-}" == torture ]]; then
  MAIN=dev.runex.bench.torture.TortureRun
  shift
elif [[ "${1:-}" == soak ]]; then
  MAIN=dev.runex.bench.torture.SoakRun
  shift
elif [[ "${1:-}" == delayed ]]; then
  MAIN=dev.runex.bench.delayed.DelayedBench
  shift
elif [[ "${1:-}" == io ]]; then
  MAIN=dev.runex.bench.io.IoBench
  shift
elif [[ "${1:-}" == txn ]]; then
  MAIN=dev.runex.bench.txn.TransactionsBench
  shift
fi

# Snapshot this checkout's jars, so a rebuild during a long run cannot swap classes under the JVM.
LIB="$(mktemp -d "${TMPDIR:-/tmp}/runex-bench-lib.XXXXXX")"
trap 'rm -rf "$LIB"' EXIT
if [[ "$MAIN" == dev.runex.bench.torture.SoakRun ]]; then
  # Every JVM the soak starts (broker, registry, runtime processes) inherits this and logs its
  # collections to gc-<pid>.log: the heap after GC is read from there, with no agent or jcmd.
  mkdir "$LIB/gc"
  # Native memory tracking (summary) says which part of a JVM grew outside its heap.
  export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-Xlog:gc:file=$LIB/gc/gc-%p.log:uptime -XX:NativeMemoryTracking=summary"
  set -- --gc-logs "$LIB/gc" "$@"
fi
cp "$BENCH_JAR" "$LIB/"
CP="$LIB/$(basename "$BENCH_JAR")"
IFS=':' read -r -a ENTRIES <<< "$(<"$CP_FILE")" # a here-string ends in a newline: read succeeds
for entry in "${ENTRIES[@]}"; do
  if [[ "$entry" == "$ROOT"/* ]]; then
    cp "$entry" "$LIB/"
    entry="$LIB/$(basename "$entry")"
  fi
  CP="$CP:$entry"
done

# Runs in the background so a TERM/INT sent to this script reaches the bench, whose shutdown hook
# stops the broker and registry it started.
# shellcheck disable=SC2086 # RUNEX_BENCH_JAVA_OPTS is a list of JVM options
java ${RUNEX_BENCH_JAVA_OPTS:--Xmx2g} -XX:+UseG1GC \
  -Drunex.home="$ROOT" \
  -Dlogback.configurationFile=bench-logback.xml \
  -cp "$CP" \
  "$MAIN" "$@" &
BENCH_PID=$!
trap 'kill -TERM "$BENCH_PID" 2>/dev/null || true' INT TERM
set +e
wait "$BENCH_PID"
STATUS=$?
while kill -0 "$BENCH_PID" 2>/dev/null; do # wait returned early for a signal: let the bench clean up
  wait "$BENCH_PID"
  STATUS=$?
done
exit "$STATUS"
