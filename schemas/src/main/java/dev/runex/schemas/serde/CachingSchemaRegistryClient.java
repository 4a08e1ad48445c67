package dev.runex.schemas.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/** Caches ids by (subject, schema) and schemas by id, so the registry is asked once per schema. */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
  private final SchemaRegistryClient delegate;
  private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> bySchema = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer id = bySchema.get(schema);
    if (id == null) {
      id = delegate.register(subject, schema);
      bySchema.put(schema, id);
      schemas.putIfAbsent(id, schema);
    }
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema s = schemas.get(id);
    if (s == null) {
      s = delegate.getById(id);
      schemas.put(id, s);
    }
    return s;
  }
}
