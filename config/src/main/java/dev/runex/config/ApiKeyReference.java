package dev.runex.config;

import java.util.Map;
import java.util.Objects;

/**
 * A gateway API key whose secret is given by reference ({@code env} or {@code file} under {@code
 * runex.gateway.keys.<name>}). Loading the configuration only records where the secret is, so the
 * processes that share the configuration but never check a key (topology, workers, the CLI) need no
 * access to it; {@link #resolve} reads and hashes it for the gateway.
 *
 * @param name the key's name
 * @param scope what the key may see
 * @param tenant the tenant of a tenant key; null for an operator key
 * @param secret where the secret is (its {@link SecretReference#setting()} names this key)
 */
public record ApiKeyReference(
    String name, ApiKeySpec.Scope scope, String tenant, SecretReference secret)
    implements DeclaredKey {
  public ApiKeyReference {
    Objects.requireNonNull(name);
    Objects.requireNonNull(scope);
    Objects.requireNonNull(secret);
    ApiKeySpec.requireTenantMatchesScope(scope, tenant);
  }

  @Override
  public ApiKeySpec resolve(Map<String, String> env) {
    return new ApiKeySpec(name, scope, tenant, ApiKeySpec.hash(secret.read(env)));
  }
}
