package dev.runex.config;

import java.util.Map;

/**
 * One key of {@code runex.gateway.keys} as configured: either already a hash ({@link ApiKeySpec},
 * from {@code sha256}) or a reference to where its secret is ({@link ApiKeyReference}, from {@code
 * env} or {@code file}) that only the gateway reads, when it starts ({@link GatewayKeys#resolve}).
 */
public sealed interface DeclaredKey permits ApiKeySpec, ApiKeyReference {
  /** The key's name (shown in the audit trail and the console, never the secret). */
  String name();

  ApiKeySpec.Scope scope();

  /** The tenant of a tenant key; null for an operator key. */
  String tenant();

  /**
   * This key with its secret hashed: the secret is read now (an environment variable from {@code
   * env}, a file from disk); a {@link ConfigException} naming the key when it is missing.
   */
  ApiKeySpec resolve(Map<String, String> env);
}
