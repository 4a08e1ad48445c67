package dev.runex.schemas.serde;

import org.apache.avro.Schema;

/** The two calls of the Confluent Schema Registry REST API that the wire format needs. */
public interface SchemaRegistryClient {

  /** Registers (or looks up) {@code schema} under {@code subject} and returns its global id. */
  int register(String subject, Schema schema);

  /** The writer schema with this global id. */
  Schema getById(int id);

  /**
   * A client for {@code url}: {@code http(s)://...} speaks the REST API (cached); {@code
   * mock://name} is a process-local in-memory registry for unit tests.
   */
  static SchemaRegistryClient forUrl(String url) {
    if (url.startsWith("mock://")) {
      return InMemorySchemaRegistry.named(url.substring("mock://".length()));
    }
    return new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(url));
  }
}
