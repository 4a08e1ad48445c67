package dev.runex.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();
  private final Schema known = Schema.create(Schema.Type.STRING);
  private volatile boolean registeredLater;

  private final SchemaRegistryClient registry =
      new SchemaRegistryClient() {
        @Override
        public int register(String subject, Schema schema) {
          return 7;
        }

        @Override
        public Schema getById(int id) {
          lookups.incrementAndGet();
          if (id == 1 || (id == 9 && registeredLater)) {
            return known;
          }
          throw new SchemaNotFoundException("no schema " + id);
        }
      };
  private final CachingSchemaRegistryClient cache =
      new CachingSchemaRegistryClient(registry, nanos::get);

  @Test
  void anUnknownIdIsAskedForOncePerTtlNotOncePerRecord() {
    // when: a thousand records framed with the same unknown id
    for (int i = 0; i < 1000; i++) {
      assertThatThrownBy(() -> cache.getById(9)).isInstanceOf(SchemaNotFoundException.class);
    }

    // then: one round trip to the registry
    assertThat(lookups.get()).isEqualTo(1);
  }

  @Test
  void anIdRegisteredMeanwhileIsFoundOnceTheNegativeAnswerExpires() {
    // given
    assertThatThrownBy(() -> cache.getById(9)).isInstanceOf(SchemaNotFoundException.class);
    registeredLater = true;

    // when
    nanos.addAndGet(CachingSchemaRegistryClient.NEGATIVE_TTL.toNanos() + 1);

    // then
    assertThat(cache.getById(9)).isEqualTo(known);
    assertThat(cache.getById(9)).isEqualTo(known);
    assertThat(lookups.get()).isEqualTo(2);
  }

  @Test
  void knownSchemasAreCachedForGood() {
    cache.getById(1);
    nanos.addAndGet(CachingSchemaRegistryClient.NEGATIVE_TTL.toNanos() * 10);
    cache.getById(1);

    assertThat(lookups.get()).isEqualTo(1);
  }
}
