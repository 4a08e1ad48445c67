package dev.runex.workers.internal.monitoring;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.workers.internal.deadletter.DeadLetterFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The worker's meters, all defined in {@link RunexMeters}: attempts started, queue wait, execution
 * time, CPU time, peak memory and completions by outcome, limits hit, deferrals, retries, dead
 * letters, commit time, the in-flight, buffered, parked and reserved-memory gauges, plus Kafka's
 * own client metrics (bound with {@link KafkaClientMetrics}). The {@code type} tag is limited to
 * declared job types ({@code unknown} otherwise) to keep cardinality bounded whatever arrives on
 * the topic.
 */
public final class WorkerMetrics implements AutoCloseable {
  static final String UNKNOWN_TYPE = "unknown";
  private static final Set<String> LIMITS = ReasonCode.limitCodes();

  private final MeterRegistry registry;
  private final Set<String> knownTypes;
  private final List<Gauge> gauges = new ArrayList<>();
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  private KafkaClientMetrics producerMetrics;

  /**
   * The meters every attempt touches, looked up once per tag combination: Micrometer's builder
   * lookup builds an id and sorts its tags on every call, a tenth of the poll loop's time.
   */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  /**
   * The meters of every start and end, per type (and outcome): found with one or two lookups of
   * strings the job already has, no key built per attempt.
   */
  private final Map<String, StartMeters> startMeters = new ConcurrentHashMap<>();

  private final Map<String, Map<String, EndMeters>> endMeters = new ConcurrentHashMap<>();

  private final Counter earlyArrivals;
  private final Counter deadLetters;

  private record StartMeters(Counter started, Timer queueWait, Timer startDelay) {}

  private record EndMeters(Timer execution, Counter completed) {}

  public WorkerMetrics(
      MeterRegistry registry,
      Set<String> knownTypes,
      Supplier<Number> inFlight,
      Supplier<Number> buffered) {
    this(registry, knownTypes, inFlight, buffered, () -> 0, () -> 0);
  }

  public WorkerMetrics(
      MeterRegistry registry,
      Set<String> knownTypes,
      Supplier<Number> inFlight,
      Supplier<Number> buffered,
      Supplier<Number> memoryReserved,
      Supplier<Number> parked) {
    this.registry = registry;
    this.knownTypes = Set.copyOf(knownTypes);
    gauges.add(gauge(RunexMeters.WORKER_IN_FLIGHT, inFlight));
    gauges.add(gauge(RunexMeters.WORKER_BUFFERED, buffered));
    gauges.add(gauge(RunexMeters.WORKER_MEMORY_RESERVED, memoryReserved));
    gauges.add(gauge(RunexMeters.WORKER_PARKED, parked));
    // counters of rare events exist from the start at 0: an alert on their increase then sees
    // the first one (a series first scraped at 1 has no increase)
    earlyArrivals = counter(RunexMeters.WORKER_EARLY_ARRIVALS);
    counter(RunexMeters.WORKER_PRODUCER_LOST, "fenced");
    counter(RunexMeters.WORKER_PRODUCER_LOST, "other");
    deadLetters = counter(RunexMeters.JOB_DEAD_LETTERED, DeadLetterFactory.STAGE);
  }

  public void bindClients(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    bindConsumer(consumer);
    bindProducer(producer);
  }

  public synchronized void bindConsumer(Consumer<?, ?> consumer) {
    KafkaClientMetrics c = new KafkaClientMetrics(consumer);
    c.bindTo(registry);
    clientMetrics.add(c);
  }

  /** Binds the producer's metrics, unbinding those of the producer it replaces. */
  public synchronized void bindProducer(Producer<?, ?> producer) {
    if (producerMetrics != null) {
      producerMetrics.close();
      clientMetrics.remove(producerMetrics);
    }
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
    clientMetrics.add(producerMetrics);
  }

  /**
   * An attempt started, {@code queueWait} after its due time and {@code startDelay} after the
   * worker fetched it.
   */
  public void started(String type, Duration queueWait, Duration startDelay) {
    String t = typeTag(type);
    StartMeters m =
        startMeters.computeIfAbsent(
            t,
            k ->
                new StartMeters(
                    counter(RunexMeters.JOB_STARTED, k),
                    timer(RunexMeters.JOB_QUEUE_WAIT, k),
                    timer(RunexMeters.JOB_START_DELAY, k)));
    m.started().increment();
    m.queueWait().record(queueWait.isNegative() ? Duration.ZERO : queueWait);
    m.startDelay().record(startDelay.isNegative() ? Duration.ZERO : startDelay);
  }

  /** An attempt finished; {@code outcome} is succeeded, retry, failed or timed_out. */
  public void finished(String type, String outcome, Duration execution) {
    String t = typeTag(type);
    EndMeters m =
        endMeters
            .computeIfAbsent(t, k -> new ConcurrentHashMap<>())
            .computeIfAbsent(
                outcome,
                o ->
                    new EndMeters(
                        timer(RunexMeters.JOB_EXECUTION, t, o),
                        counter(RunexMeters.JOB_COMPLETED, t, o)));
    m.execution().record(execution.isNegative() ? Duration.ZERO : execution);
    m.completed().increment();
  }

  /** An attempt finished and used {@code usage} (null: nothing measured beyond its duration). */
  public void finished(String type, String outcome, Duration execution, ResourceUsage usage) {
    finished(type, outcome, execution);
    if (usage == null) {
      return;
    }
    String t = typeTag(type);
    if (usage.getCpuMs() != null) {
      timer(RunexMeters.JOB_CPU, t, outcome)
          .record(Duration.ofMillis(Math.max(0, usage.getCpuMs())));
    }
    if (usage.getPeakMemoryBytes() != null) {
      summaries
          .computeIfAbsent(
              key(RunexMeters.JOB_MEMORY_PEAK, t, outcome),
              k -> RunexMeters.JOB_MEMORY_PEAK.summary(registry, t, outcome))
          .record(usage.getPeakMemoryBytes());
    }
    if (usage.getLimit() != null) {
      counter(RunexMeters.JOB_LIMITED, t, limitTag(usage.getLimit())).increment();
    }
  }

  /** An attempt did not run and was deferred (circuit breaker open). */
  public void deferred(String type) {
    RunexMeters.JOB_DEFERRED.counter(registry, typeTag(type)).increment();
  }

  public void retried(String type) {
    RunexMeters.JOB_RETRIED.counter(registry, typeTag(type)).increment();
  }

  /** A job was past its deadline when its attempt was about to start. */
  public void expired(String type) {
    RunexMeters.JOB_EXPIRED.counter(registry, typeTag(type), Lifecycle.EXECUTION).increment();
  }

  public void deadLettered() {
    deadLetters.increment();
  }

  public void committed(Duration took) {
    RunexMeters.WORKER_COMMIT.timer(registry).record(took);
  }

  /** A job arrived further ahead of its due time than the topology hands jobs over. */
  public void earlyArrival() {
    earlyArrivals.increment();
  }

  /** The transactional producer was lost ({@code fenced}: by a fencing) and is being replaced. */
  public void producerLost(boolean fenced) {
    counter(RunexMeters.WORKER_PRODUCER_LOST, fenced ? "fenced" : "other").increment();
  }

  /**
   * Limit reasons come from the executors, a closed set; anything else is folded to keep
   * cardinality bounded.
   */
  static String limitTag(String limit) {
    return LIMITS.contains(limit) ? limit : "OTHER";
  }

  String typeTag(String type) {
    return type != null && knownTypes.contains(type) ? type : UNKNOWN_TYPE;
  }

  /** Unbinds the client metrics and removes the gauges (they read state of a closed worker). */
  @Override
  public synchronized void close() {
    producerMetrics = null;
    clientMetrics.forEach(KafkaClientMetrics::close);
    clientMetrics.clear();
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  private Counter counter(RunexMeters meter, String... tagValues) {
    return counters.computeIfAbsent(key(meter, tagValues), k -> meter.counter(registry, tagValues));
  }

  private Timer timer(RunexMeters meter, String... tagValues) {
    return timers.computeIfAbsent(key(meter, tagValues), k -> meter.timer(registry, tagValues));
  }

  private static String key(RunexMeters meter, String... tagValues) {
    return meter.name() + '\u0000' + String.join("\u0000", tagValues);
  }

  private Gauge gauge(RunexMeters meter, Supplier<Number> value) {
    return Gauge.builder(meter.meterName(), value)
        .description(meter.description())
        .strongReference(true)
        .register(registry);
  }
}
