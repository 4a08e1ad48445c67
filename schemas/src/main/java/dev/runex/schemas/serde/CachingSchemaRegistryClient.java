package dev.runex.schemas.serde;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Caches ids by (subject, schema) and schemas by id, so the registry is asked once per schema. The
 * answers "no such schema" and "not an Avro schema" are cached too, for {@link #NEGATIVE_TTL}:
 * garbage framed with unknown ids would otherwise cost a registry round trip per record on the
 * thread that reads it, while an id registered meanwhile is still found soon after.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
  /**
   * How long a "no such schema" (or "not Avro") answer stands before the registry is asked again.
   */
  public static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);

  /** Most ids with a cached negative answer; past that the oldest answers are simply forgotten. */
  static final int MAX_NEGATIVE = 10_000;

  private final SchemaRegistryClient delegate;
  private final LongSupplier nanoClock;
  private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final Map<Integer, Negative> negatives = new ConcurrentHashMap<>();

  /** A cached refusal: the exception to throw again, until {@code expiresAtNanos}. */
  private record Negative(SerializationException answer, long expiresAtNanos) {}

  public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
    this(delegate, System::nanoTime);
  }

  CachingSchemaRegistryClient(SchemaRegistryClient delegate, LongSupplier nanoClock) {
    this.delegate = delegate;
    this.nanoClock = nanoClock;
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> bySchema = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer id = bySchema.get(schema);
    if (id == null) {
      id = delegate.register(subject, schema);
      bySchema.put(schema, id);
      schemas.putIfAbsent(id, schema);
      negatives.remove(id);
    }
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema s = schemas.get(id);
    if (s != null) {
      return s;
    }
    Negative no = negatives.get(id);
    if (no != null && nanoClock.getAsLong() - no.expiresAtNanos() < 0) {
      throw no.answer();
    }
    try {
      s = delegate.getById(id);
    } catch (SchemaNotFoundException | UnsupportedSchemaException e) {
      if (negatives.size() >= MAX_NEGATIVE) {
        negatives.clear();
      }
      negatives.put(id, new Negative(e, nanoClock.getAsLong() + NEGATIVE_TTL.toNanos()));
      throw e;
    }
    if (s != null) {
      schemas.put(id, s);
      negatives.remove(id);
    }
    return s;
  }
}
