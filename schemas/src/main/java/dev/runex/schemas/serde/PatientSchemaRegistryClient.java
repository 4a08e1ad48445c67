package dev.runex.schemas.serde;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry client that waits out a registry outage instead of failing: while the registry gives
 * no answer ({@link SchemaRegistryUnavailableException}: unreachable, 5xx) the call is retried with
 * back-off ({@value #FIRST_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms), logged once
 * when the wait begins, every {@value #REPORT_EVERY_MS} ms while it lasts and once when the
 * registry answers again. An answer, even "no such schema", returns or throws at once: that is the
 * record's fault, not the registry's. The wait ends early, with the last failure, when {@code
 * stopping} turns true (the caller shuts down).
 *
 * <p>For callers that cannot set a record aside and come back to it — a Kafka Streams processor
 * must finish its record or kill its thread — waiting on the record is what keeps the pipeline
 * whole: the record is neither rejected nor skipped, and nothing else restarts.
 */
public final class PatientSchemaRegistryClient implements SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(PatientSchemaRegistryClient.class);
  static final long FIRST_BACKOFF_MS = 250;
  static final long MAX_BACKOFF_MS = 5_000;
  static final long REPORT_EVERY_MS = 30_000;

  private final SchemaRegistryClient delegate;
  private final BooleanSupplier stopping;
  private final Sleeper sleeper;

  /** How the wait passes (tests pass one that does not sleep). */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  public PatientSchemaRegistryClient(SchemaRegistryClient delegate, BooleanSupplier stopping) {
    this(delegate, stopping, Thread::sleep);
  }

  PatientSchemaRegistryClient(
      SchemaRegistryClient delegate, BooleanSupplier stopping, Sleeper sleeper) {
    this.delegate = delegate;
    this.stopping = stopping;
    this.sleeper = sleeper;
  }

  @Override
  public int register(String subject, Schema schema) {
    return patiently(
        "register a schema under " + subject, () -> delegate.register(subject, schema));
  }

  @Override
  public Schema getById(int id) {
    return patiently("look up schema id " + id, () -> delegate.getById(id));
  }

  private interface Call<T> {
    T run();
  }

  private <T> T patiently(String what, Call<T> call) {
    long backoff = FIRST_BACKOFF_MS;
    long waited = 0;
    long reported = 0;
    while (true) {
      try {
        T answer = call.run();
        if (waited > 0) {
          log.info("schema registry answers again: {} after waiting {} s", what, waited / 1000);
        }
        return answer;
      } catch (SchemaNotFoundException e) {
        throw e;
      } catch (SchemaRegistryUnavailableException e) {
        if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        if (waited == 0 || waited - reported >= REPORT_EVERY_MS) {
          log.warn(
              "schema registry unavailable ({}); waiting to {} ({} s so far): nothing is rejected or skipped for it",
              e.getMessage(),
              what,
              Duration.ofMillis(waited).toSeconds());
          reported = waited;
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        waited += backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }
}
