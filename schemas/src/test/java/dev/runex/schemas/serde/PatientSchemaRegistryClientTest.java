package dev.runex.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class PatientSchemaRegistryClientTest {
  private static final Schema SCHEMA =
      SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  private final InMemorySchemaRegistry real = new InMemorySchemaRegistry();
  private final List<Long> sleeps = new ArrayList<>();

  @Test
  void waitsOutAnOutageAndAnswersWhenTheRegistryIsBack() {
    // given: a registry that gives no answer three times
    int id = real.register("s", SCHEMA);
    Flaky flaky = new Flaky(3);
    PatientSchemaRegistryClient patient =
        new PatientSchemaRegistryClient(flaky, () -> false, sleeps::add);
    // when
    Schema schema = patient.getById(id);
    // then
    assertThat(schema).isEqualTo(SCHEMA);
    assertThat(flaky.calls.get()).isEqualTo(4);
    assertThat(sleeps).containsExactly(250L, 500L, 1000L);
  }

  @Test
  void backOffStopsGrowingAtItsMaximum() {
    Flaky flaky = new Flaky(8);
    PatientSchemaRegistryClient patient =
        new PatientSchemaRegistryClient(flaky, () -> false, sleeps::add);

    patient.register("s", SCHEMA);

    assertThat(sleeps).endsWith(5000L, 5000L).allMatch(ms -> ms <= 5000L);
  }

  @Test
  void anUnknownIdIsAnAnswerNotAnOutage() {
    PatientSchemaRegistryClient patient =
        new PatientSchemaRegistryClient(real, () -> false, sleeps::add);

    assertThatThrownBy(() -> patient.getById(42)).isInstanceOf(SchemaNotFoundException.class);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void stopsWaitingWhenItsOwnerStops() {
    AtomicBoolean stopping = new AtomicBoolean();
    Flaky flaky = new Flaky(Integer.MAX_VALUE);
    PatientSchemaRegistryClient patient =
        new PatientSchemaRegistryClient(
            flaky,
            stopping::get,
            ms -> {
              if (sleeps.size() == 2) {
                stopping.set(true);
              }
              sleeps.add(ms);
            });

    assertThatThrownBy(() -> patient.getById(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
    assertThat(sleeps).hasSize(3);
  }

  /** Fails with "unavailable" {@code failures} times, then answers from the real registry. */
  private final class Flaky implements SchemaRegistryClient {
    final AtomicInteger calls = new AtomicInteger();
    private final int failures;

    Flaky(int failures) {
      this.failures = failures;
    }

    @Override
    public int register(String subject, Schema schema) {
      check();
      return real.register(subject, schema);
    }

    @Override
    public Schema getById(int id) {
      check();
      return real.getById(id);
    }

    private void check() {
      if (calls.incrementAndGet() <= failures) {
        throw new SchemaRegistryUnavailableException("connection refused", null);
      }
    }
  }
}
