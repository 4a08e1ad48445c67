package dev.runex.gateway.access;

import dev.runex.config.ApiKeySpec;
import java.util.Optional;

/**
 * Who is calling, as their API key says: an operator (sees and acts on everything) or a tenant
 * (sees and acts on its own tenant's jobs, dead letters and pauses only).
 */
public sealed interface Caller {
  /** The configured name of the key (never the secret). */
  String keyName();

  /** The tenant this caller is limited to; empty for an operator. */
  Optional<String> tenant();

  default boolean isOperator() {
    return tenant().isEmpty();
  }

  /**
   * True when this caller may see and act on {@code tenant}'s jobs (null: nobody's but operators).
   */
  default boolean sees(String tenant) {
    return isOperator() || tenant().get().equals(tenant);
  }

  /** How commands and audit records name this caller. */
  default String actor() {
    return "gateway:" + keyName();
  }

  /** An operator key. */
  record Operator(String keyName) implements Caller {
    @Override
    public Optional<String> tenant() {
      return Optional.empty();
    }
  }

  /** A tenant key. */
  record Tenant(String keyName, String name) implements Caller {
    @Override
    public Optional<String> tenant() {
      return Optional.of(name);
    }
  }

  static Caller of(ApiKeySpec key) {
    return key.scope() == ApiKeySpec.Scope.OPERATOR
        ? new Operator(key.name())
        : new Tenant(key.name(), key.tenant());
  }
}
