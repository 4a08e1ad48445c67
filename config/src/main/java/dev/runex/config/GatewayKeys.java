package dev.runex.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's API keys ({@code runex.gateway.keys}), parsed by {@link GatewayKeyParser}. A
 * presented secret is matched by its SHA-256 against every key, so neither the secret nor the
 * hashes ever appear in logs or in {@link #toString()}.
 */
public final class GatewayKeys {
  public static final GatewayKeys NONE = new GatewayKeys(List.of());

  private final List<ApiKeySpec> keys;

  public GatewayKeys(List<ApiKeySpec> keys) {
    this.keys = List.copyOf(keys);
    long distinct = keys.stream().map(ApiKeySpec::name).distinct().count();
    if (distinct != keys.size()) {
      throw new ConfigException("runex.gateway.keys: two keys have the same name");
    }
  }

  public List<ApiKeySpec> all() {
    return keys;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The key whose secret this is, if any. */
  public Optional<ApiKeySpec> match(String secret) {
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    byte[] hash = ApiKeySpec.hash(secret.trim());
    ApiKeySpec found = null;
    for (ApiKeySpec k : keys) {
      // every key is compared, so the time taken does not tell which one matched
      if (java.security.MessageDigest.isEqual(k.sha256(), hash)) {
        found = k;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The key configured under {@code name}, if any (a console login names its key this way). */
  public Optional<ApiKeySpec> named(String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** These keys plus {@code extra} (e.g. the operator key {@code runex local} makes per run). */
  public GatewayKeys with(ApiKeySpec extra) {
    List<ApiKeySpec> all = new ArrayList<>(keys);
    all.removeIf(k -> k.name().equals(extra.name()));
    all.add(extra);
    return new GatewayKeys(all);
  }

  @Override
  public String toString() {
    return "GatewayKeys" + keys.stream().map(ApiKeySpec::name).toList();
  }
}
