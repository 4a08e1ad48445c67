package dev.runex.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's API keys ({@code runex.gateway.keys}), parsed by {@link GatewayKeyParser}. As
 * loaded, a key given by {@code env} or {@code file} is only a reference ({@link ApiKeyReference}):
 * the gateway calls {@link #resolve} once when it starts, which reads and hashes those secrets, and
 * checks callers against the resolved keys ({@link #match}, {@link #named}, {@link #all}). A
 * presented secret is matched by its SHA-256 against every key, so neither the secret nor the
 * hashes ever appear in logs or in {@link #toString()}.
 */
public final class GatewayKeys {
  public static final GatewayKeys NONE = new GatewayKeys(List.of());

  private final List<DeclaredKey> keys;

  public GatewayKeys(List<? extends DeclaredKey> keys) {
    this.keys = List.copyOf(keys);
    long distinct = keys.stream().map(DeclaredKey::name).distinct().count();
    if (distinct != keys.size()) {
      throw new ConfigException("runex.gateway.keys: two keys have the same name");
    }
  }

  /** The keys as configured, references not read. */
  public List<DeclaredKey> declared() {
    return keys;
  }

  /**
   * These keys with every reference read and hashed (environment variables from {@code env}): a
   * {@link ConfigException} naming the first key whose secret is missing. Resolved keys come back
   * as they are, so resolving twice reads nothing again.
   */
  public GatewayKeys resolve(Map<String, String> env) {
    if (keys.stream().allMatch(ApiKeySpec.class::isInstance)) {
      return this;
    }
    return new GatewayKeys(keys.stream().map(k -> k.resolve(env)).toList());
  }

  /** The resolved keys; an IllegalStateException before {@link #resolve}. */
  public List<ApiKeySpec> all() {
    List<ApiKeySpec> out = new ArrayList<>(keys.size());
    for (DeclaredKey k : keys) {
      if (!(k instanceof ApiKeySpec spec)) {
        throw new IllegalStateException(
            "runex.gateway.keys." + k.name() + " is a reference: resolve the keys first");
      }
      out.add(spec);
    }
    return out;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The key whose secret this is, if any. */
  public Optional<ApiKeySpec> match(String secret) {
    List<ApiKeySpec> resolved = all();
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    byte[] hash = ApiKeySpec.hash(secret.trim());
    ApiKeySpec found = null;
    for (ApiKeySpec k : resolved) {
      // every key is compared, so the time taken does not tell which one matched
      if (java.security.MessageDigest.isEqual(k.sha256(), hash)) {
        found = k;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The key configured under {@code name}, if any (a console login names its key this way). */
  public Optional<ApiKeySpec> named(String name) {
    return all().stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** These keys plus {@code extra} (e.g. the operator key {@code runex local} makes per run). */
  public GatewayKeys with(ApiKeySpec extra) {
    List<DeclaredKey> all = new ArrayList<>(keys);
    all.removeIf(k -> k.name().equals(extra.name()));
    all.add(extra);
    return new GatewayKeys(all);
  }

  @Override
  public String toString() {
    return "GatewayKeys" + keys.stream().map(DeclaredKey::name).toList();
  }
}
