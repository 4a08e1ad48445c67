package dev.runex.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code runex.gateway.keys}: a mapping of key name to {@code {scope, tenant, and exactly
 * one of sha256, env, file}}. The structure is checked here, strictly; a key given by {@code env}
 * or {@code file} is kept as a reference ({@link ApiKeyReference}) and read only by the gateway
 * ({@link GatewayKeys#resolve}), so every other process can load the same configuration without the
 * secrets. Errors name the key and never echo a secret.
 */
public final class GatewayKeyParser {
  /** Every key of a key block with its documentation; the parser accepts exactly these. */
  public static final Map<String, String> KEY_DOCS =
      docs(
          "scope",
          "operator (sees and acts on every tenant, may pause types and pools) or tenant (default: tenant "
              + "when tenant is set).",
          "tenant",
          "The tenant a tenant key belongs to: it sees and acts on this tenant's jobs and dead letters "
              + "only, and every job it submits carries this tenant.",
          "sha256",
          "The key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum).",
          "env",
          "Name of an environment variable holding the key (read and hashed by the gateway when it "
              + "starts; other processes loading the configuration do not need it).",
          "file",
          "Path of a file holding the key (read and hashed by the gateway when it starts, surrounding "
              + "whitespace ignored; other processes loading the configuration do not need it).");

  private static final Set<String> KEYS = KEY_DOCS.keySet();

  private GatewayKeyParser() {}

  public static GatewayKeys parse(JsonNode n) {
    String p = "runex.gateway.keys";
    if (n == null || n.isNull()) {
      return GatewayKeys.NONE;
    }
    if (!n.isObject()) {
      throw new ConfigException(
          p + " must be a mapping of key name to {scope, tenant, sha256|env|file}");
    }
    List<DeclaredKey> keys = new ArrayList<>();
    n.fields().forEachRemaining(e -> keys.add(key(p + "." + e.getKey(), e.getKey(), e.getValue())));
    return new GatewayKeys(keys);
  }

  private static DeclaredKey key(String p, String name, JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new ConfigException(p + " must be a mapping {scope, tenant, sha256|env|file}");
    }
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!KEYS.contains(k)) {
                throw new ConfigException(
                    "unknown setting " + p + "." + k + " (expected " + KEYS + ")");
              }
            });
    String tenant = n.hasNonNull("tenant") ? n.get("tenant").asText().trim() : null;
    String scopeText =
        n.hasNonNull("scope") ? n.get("scope").asText() : tenant == null ? "operator" : "tenant";
    ApiKeySpec.Scope scope =
        switch (scopeText.trim().toLowerCase(Locale.ROOT)) {
          case "operator" -> ApiKeySpec.Scope.OPERATOR;
          case "tenant" -> ApiKeySpec.Scope.TENANT;
          default ->
              throw new ConfigException(
                  p + ".scope must be operator or tenant, was '" + scopeText + "'");
        };
    if (scope == ApiKeySpec.Scope.TENANT && (tenant == null || tenant.isEmpty())) {
      throw new ConfigException(p + ".tenant is required for a tenant key");
    }
    if (scope == ApiKeySpec.Scope.OPERATOR && tenant != null) {
      throw new ConfigException(
          p + ": an operator key sees every tenant; remove tenant or use scope tenant");
    }
    List<String> given = List.of("sha256", "env", "file").stream().filter(n::hasNonNull).toList();
    if (given.size() != 1) {
      throw new ConfigException(p + " needs exactly one of sha256, env or file, had " + given);
    }
    String kind = given.get(0);
    String value = n.get(kind).asText().trim();
    String keyTenant = scope == ApiKeySpec.Scope.TENANT ? tenant : null;
    if (kind.equals("sha256")) {
      return new ApiKeySpec(name, scope, keyTenant, hex(p + ".sha256", value));
    }
    if (value.isEmpty()) {
      throw new ConfigException(
          p + "." + kind + " must name " + (kind.equals("env") ? "a variable" : "a file"));
    }
    SecretReference secret =
        kind.equals("env")
            ? new SecretReference.Env(p + ".env", value)
            : new SecretReference.File(p + ".file", value);
    return new ApiKeyReference(name, scope, keyTenant, secret);
  }

  private static byte[] hex(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("[0-9a-f]{64}")) {
      throw new ConfigException(key + " must be 64 hex digits (a SHA-256)");
    }
    return HexFormat.of().parseHex(t);
  }

  private static Map<String, String> docs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
