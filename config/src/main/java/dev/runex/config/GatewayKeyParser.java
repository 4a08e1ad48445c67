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
 * one of sha256, env, file}}. A key given by {@code env} or {@code file} is read and hashed here,
 * once; only the hash is kept. Errors name the key and never echo a secret.
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
          "Name of an environment variable holding the key (read and hashed at start).",
          "file",
          "Path of a file holding the key (read and hashed at start; surrounding whitespace ignored).");

  private static final Set<String> KEYS = KEY_DOCS.keySet();

  private GatewayKeyParser() {}

  public static GatewayKeys parse(JsonNode n, Map<String, String> env) {
    String p = "runex.gateway.keys";
    if (n == null || n.isNull()) {
      return GatewayKeys.NONE;
    }
    if (!n.isObject()) {
      throw new ConfigException(
          p + " must be a mapping of key name to {scope, tenant, sha256|env|file}");
    }
    List<ApiKeySpec> keys = new ArrayList<>();
    n.fields()
        .forEachRemaining(e -> keys.add(key(p + "." + e.getKey(), e.getKey(), e.getValue(), env)));
    return new GatewayKeys(keys);
  }

  private static ApiKeySpec key(String p, String name, JsonNode n, Map<String, String> env) {
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
    byte[] hash =
        switch (given.get(0)) {
          case "sha256" -> hex(p + ".sha256", n.get("sha256").asText());
          case "env" -> fromEnv(p + ".env", n.get("env").asText(), env);
          default -> fromFile(p + ".file", n.get("file").asText(), env);
        };
    return new ApiKeySpec(name, scope, scope == ApiKeySpec.Scope.TENANT ? tenant : null, hash);
  }

  private static byte[] hex(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (!t.matches("[0-9a-f]{64}")) {
      throw new ConfigException(key + " must be 64 hex digits (a SHA-256)");
    }
    return HexFormat.of().parseHex(t);
  }

  private static byte[] fromEnv(String key, String variable, Map<String, String> env) {
    return ApiKeySpec.hash(new SecretReference.Env(key, variable).read(env));
  }

  private static byte[] fromFile(String key, String path, Map<String, String> env) {
    return ApiKeySpec.hash(new SecretReference.File(key, path).read(env));
  }

  private static Map<String, String> docs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}
