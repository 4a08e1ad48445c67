package dev.runex.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A process-local registry for unit tests ({@code mock://name}): same id semantics (one global id
 * per distinct schema), no compatibility checks. Integration tests use a real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
  private static final Map<String, InMemorySchemaRegistry> NAMED = new ConcurrentHashMap<>();
  private final List<Schema> byId = new ArrayList<>();

  public static InMemorySchemaRegistry named(String name) {
    return NAMED.computeIfAbsent(name, n -> new InMemorySchemaRegistry());
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    int idx = byId.indexOf(schema);
    if (idx < 0) {
      byId.add(schema);
      idx = byId.size() - 1;
    }
    return idx + 1;
  }

  @Override
  public synchronized Schema getById(int id) {
    if (id < 1 || id > byId.size()) {
      throw new SchemaNotFoundException("unknown schema id " + id);
    }
    return byId.get(id - 1);
  }
}
