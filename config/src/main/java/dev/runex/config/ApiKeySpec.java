package dev.runex.config;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One gateway API key as configured under {@code runex.gateway.keys.<name>}: who it is, what it may
 * see, and the SHA-256 of its secret. The secret itself is never kept: a key given by reference (an
 * environment variable or a file, {@link ApiKeyReference}) is hashed when the gateway resolves its
 * keys.
 *
 * @param name the key's name (shown in the audit trail and the console, never the secret)
 * @param scope {@link Scope#OPERATOR} sees and acts on everything; {@link Scope#TENANT} only on
 *     {@code tenant}'s jobs and dead letters
 * @param tenant the tenant of a tenant key; null for an operator key
 * @param sha256 SHA-256 of the key's secret (32 bytes)
 */
public record ApiKeySpec(String name, Scope scope, String tenant, byte[] sha256)
    implements DeclaredKey {
  /** What a key may see and do. */
  public enum Scope {
    OPERATOR,
    TENANT
  }

  public ApiKeySpec {
    Objects.requireNonNull(name);
    Objects.requireNonNull(scope);
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException("a key's hash must be 32 bytes of SHA-256");
    }
    requireTenantMatchesScope(scope, tenant);
    sha256 = sha256.clone();
  }

  /** A tenant key names its tenant, an operator key names none. */
  static void requireTenantMatchesScope(Scope scope, String tenant) {
    if ((scope == Scope.TENANT) == (tenant == null || tenant.isBlank())) {
      throw new IllegalArgumentException(
          "a tenant key names its tenant, an operator key names none");
    }
  }

  /** The SHA-256 of {@code secret} (UTF-8). */
  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Already hashed: nothing to read. */
  @Override
  public ApiKeySpec resolve(Map<String, String> env) {
    return this;
  }

  /** True when {@code secret} is this key's secret (constant-time comparison of the hashes). */
  public boolean matches(String secret) {
    return secret != null && MessageDigest.isEqual(sha256, hash(secret));
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** Never prints the hash: configurations get logged. */
  @Override
  public String toString() {
    return "ApiKeySpec{" + name + ", " + scope + (tenant == null ? "" : ", tenant=" + tenant) + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKeySpec k
        && k.name.equals(name)
        && k.scope == scope
        && Objects.equals(k.tenant, tenant)
        && MessageDigest.isEqual(k.sha256, sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, scope, tenant, HexFormat.of().formatHex(sha256));
  }
}
