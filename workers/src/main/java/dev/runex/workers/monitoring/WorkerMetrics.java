package dev.runex.workers.monitoring;

import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.metrics.RunexMeters;
import dev.runex.workers.deadletter.DeadLetterFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The worker's meters, all defined in {@link RunexMeters}: attempts started, queue wait,
 * execution time and completions by outcome, retries, dead letters, commit time, the in-flight
 * and buffered gauges, plus Kafka's own client metrics (bound with {@link KafkaClientMetrics}).
 * The {@code type} tag is limited to declared job types ({@code unknown} otherwise) to keep
 * cardinality bounded whatever arrives on the topic.
 */
public final class WorkerMetrics implements AutoCloseable {
  static final String UNKNOWN_TYPE = "unknown";

  private final MeterRegistry registry;
  private final Set<String> knownTypes;
  private final List<Gauge> gauges = new ArrayList<>();
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();

  public WorkerMetrics(MeterRegistry registry, Set<String> knownTypes, Supplier<Number> inFlight, Supplier<Number> buffered) {
    this.registry = registry;
    this.knownTypes = Set.copyOf(knownTypes);
    gauges.add(gauge(RunexMeters.WORKER_IN_FLIGHT, inFlight));
    gauges.add(gauge(RunexMeters.WORKER_BUFFERED, buffered));
  }

  public void bindClients(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    KafkaClientMetrics c = new KafkaClientMetrics(consumer);
    KafkaClientMetrics p = new KafkaClientMetrics(producer);
    c.bindTo(registry);
    p.bindTo(registry);
    clientMetrics.add(c);
    clientMetrics.add(p);
  }

  public void started(String type, Duration queueWait) {
    String t = typeTag(type);
    RunexMeters.JOB_STARTED.counter(registry, t).increment();
    RunexMeters.JOB_QUEUE_WAIT.timer(registry, t).record(queueWait.isNegative() ? Duration.ZERO : queueWait);
  }

  /** An attempt finished; {@code outcome} is succeeded, retry, failed or timed_out. */
  public void finished(String type, String outcome, Duration execution) {
    String t = typeTag(type);
    RunexMeters.JOB_EXECUTION.timer(registry, t, outcome).record(execution.isNegative() ? Duration.ZERO : execution);
    RunexMeters.JOB_COMPLETED.counter(registry, t, outcome).increment();
  }

  public void retried(String type) {
    RunexMeters.JOB_RETRIED.counter(registry, typeTag(type)).increment();
  }

  /** A job was past its deadline when its attempt was about to start. */
  public void expired(String type) {
    RunexMeters.JOB_EXPIRED.counter(registry, typeTag(type), Lifecycle.EXECUTION).increment();
  }

  public void deadLettered() {
    RunexMeters.JOB_DEAD_LETTERED.counter(registry, DeadLetterFactory.STAGE).increment();
  }

  public void committed(Duration took) {
    RunexMeters.WORKER_COMMIT.timer(registry).record(took);
  }

  String typeTag(String type) {
    return type != null && knownTypes.contains(type) ? type : UNKNOWN_TYPE;
  }

  /** Unbinds the client metrics and removes the gauges (they read state of a closed worker). */
  @Override
  public void close() {
    clientMetrics.forEach(KafkaClientMetrics::close);
    clientMetrics.clear();
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  private Gauge gauge(RunexMeters meter, Supplier<Number> value) {
    return Gauge.builder(meter.meterName(), value).description(meter.description()).strongReference(true).register(registry);
  }
}
