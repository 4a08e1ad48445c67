package dev.runex.workers;

import dev.runex.config.RunexConfig;
import dev.runex.monitoring.health.HealthIndicator;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.control.ControlTableReader;
import dev.runex.workers.internal.execution.ScheduledJobDecoder;
import dev.runex.workers.internal.monitoring.WorkerHealth;
import dev.runex.workers.internal.output.OutcomeRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runex worker --pool P}: executes the jobs of {@code scheduled.<pool>} (and its {@code
 * .high} and {@code .low} siblings, higher priorities starting first) and produces each job's
 * outputs exactly once.
 *
 * <p>Contract. Input: {@code <prefix>scheduled.<pool>}, {@code <prefix>scheduled.<pool>.high},
 * {@code <prefix>scheduled.<pool>.low} (key: partition key, value: {@code Job}), read_committed,
 * consumer group {@code <prefix>worker.<pool>}. Outputs, all keyed by job id: {@code results}
 * (JobResult), {@code retry} (the next attempt's Job), {@code dead-letter} (DeadLetter), {@code
 * events} (JobEvent). Guarantee: consumed offsets and everything produced for finished jobs commit
 * in one transaction (transactional id {@code <prefix>worker.<pool>.<workerId>}, fenced by group
 * generation, KIP-447), so a job's result appears once even when a worker is killed mid-job; its
 * side effects are at-least-once (handlers get an idempotency key). Jobs with the same key run one
 * at a time in offset order; different keys run concurrently up to {@code
 * runex.worker.concurrency}; offsets that finished above the commit point are recorded in the
 * commit metadata and skipped by whoever consumes the partition next.
 *
 * <p>Control: a {@link ControlTableReader} keeps the compacted {@code control} topic in memory; the
 * loop starts no job before it has read it to the end. Jobs whose pool, tenant or type is paused
 * are held (see {@link WorkerLoop}); a cancelled job gets one CANCELLED result in the transaction
 * that consumes it — before it starts, or after its running attempt was interrupted.
 *
 * <p>With {@code runex.worker.id} set, the id is also the consumer's {@code group.instance.id}: a
 * restarted worker gets its partitions back at once and its producer aborts what the dead instance
 * left open. Without it, the id is host name + pid.
 */
public final class JobWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

  /**
   * Beyond the drain: commit, closing the clients, leaving the group. A supervisor's grace period
   * for a stopping worker should cover {@code runex.worker.drainTimeout} plus this.
   */
  public static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);

  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final HandlerRegistry handlers;
  private final MeterRegistry meters;
  private final WorkerSettings settings;
  private final WorkerClients clients;
  private final Clock clock;
  private final ControlTable control;
  private ControlTableReader controlReader;
  private WorkerLoop loop;
  private Thread thread;
  private boolean closed;

  public JobWorker(
      RunexConfig cfg, RunexTopics topics, HandlerRegistry handlers, MeterRegistry meters) {
    this(cfg, topics, handlers, meters, WorkerClients.kafka(), Clock.systemUTC());
  }

  JobWorker(
      RunexConfig cfg,
      RunexTopics topics,
      HandlerRegistry handlers,
      MeterRegistry meters,
      WorkerClients clients,
      Clock clock) {
    this.cfg = cfg;
    this.topics = topics;
    this.handlers = handlers;
    this.meters = meters;
    this.settings = WorkerSettings.from(cfg);
    this.clients = clients;
    this.clock = clock;
    this.control = new ControlTable();
  }

  /** The worker's view of the control topic (tests apply commands to it directly). */
  ControlTable control() {
    return control;
  }

  /** Creates the clients and starts the poll-loop thread (non-daemon); returns at once. */
  public synchronized void start() {
    if (thread != null || closed) {
      throw new IllegalStateException(
          "worker " + settings.workerId() + " was already started or closed");
    }
    Topic<String, Job> scheduled = topics.scheduled(settings.pool());
    Consumer<String, byte[]> consumer =
        clients.consumer(WorkerClientConfigs.consumer(cfg, settings));
    Map<String, Object> producerConfig = WorkerClientConfigs.producer(cfg, settings);
    Producer<byte[], byte[]> producer;
    try {
      producer = clients.producer(producerConfig);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    startControlReader();
    // every priority's topic: the loop starts higher-priority jobs first (WorkerPriorities)
    List<String> scheduledTopics =
        Arrays.stream(JobPriority.values())
            .map(p -> topics.scheduled(settings.pool(), p).name())
            .toList();
    WorkerParts parts =
        new WorkerParts(
            scheduledTopics,
            consumer,
            producer,
            () -> clients.producer(producerConfig),
            handlers,
            new OutcomeRecords(topics, settings.workerId()),
            new ScheduledJobDecoder(topics.registry(), scheduled.valueSerde().deserializer()),
            meters,
            control);
    loop = new WorkerLoop(settings, cfg, parts, clock);
    thread = new Thread(loop, "runex-worker-" + settings.pool());
    thread.start();
  }

  private void startControlReader() {
    var consumer =
        clients.controlConsumer(ControlTableReader.consumerConfig(cfg, settings.workerId()));
    if (consumer == null) {
      control.markCaughtUp();
      control.markAlwaysFresh(); // no control topic: no command to wait for
      return;
    }
    var ends =
        clients.controlConsumer(ControlTableReader.endsConsumerConfig(cfg, settings.workerId()));
    var topic = topics.control();
    controlReader =
        new ControlTableReader(
            consumer, ends, topic.name(), topic.valueSerde().deserializer(), control);
    controlReader.start();
  }

  public String workerId() {
    return settings.workerId();
  }

  /**
   * True from {@link #start()} until the loop has stopped (closed, or stopped by a fatal error).
   */
  public synchronized boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  /**
   * Liveness and readiness of this worker (see {@link WorkerHealth}): what {@code /health/live} and
   * {@code /health/ready} answer.
   */
  public HealthIndicator health() {
    return new WorkerHealth(this::view);
  }

  private WorkerHealth.View view() {
    WorkerLoop l;
    Thread t;
    ControlTableReader reader;
    boolean stopping;
    synchronized (this) {
      l = loop;
      t = thread;
      reader = controlReader;
      stopping = closed;
    }
    long lastRound = l == null ? -1 : l.lastRound();
    return new WorkerHealth.View(
        settings.pool(),
        t != null,
        t != null && t.isAlive(),
        stopping || (l != null && l.stopRequested()),
        l == null ? null : l.failure().orElse(null),
        lastRound < 0 ? null : Duration.ofMillis(Math.max(0, clock.millis() - lastRound)),
        settings.drainTimeout(),
        control.isCaughtUp(),
        reader == null ? null : reader.failure().orElse(null),
        l != null && l.assignmentReceived(),
        l == null ? 0 : l.assignedCount());
  }

  /** Why the worker stopped on its own (fenced, broker unusable), if it did. */
  public synchronized Optional<Throwable> failure() {
    return loop == null ? Optional.empty() : loop.failure();
  }

  /**
   * Stops fetching, lets running jobs finish for up to {@code runex.worker.drainTimeout}, commits
   * their outputs, closes the clients. Idempotent; waits for the loop to end.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
      if (loop != null) {
        loop.requestStop();
      }
    }
    if (t == null || t == Thread.currentThread()) {
      closeControlReader();
      return;
    }
    try {
      t.join(settings.drainTimeout().plus(CLOSE_MARGIN).toMillis());
      if (t.isAlive()) {
        log.warn(
            "worker {} did not stop within {}; leaving its thread behind",
            settings.workerId(),
            settings.drainTimeout().plus(CLOSE_MARGIN));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeControlReader();
    }
  }

  private void closeControlReader() {
    if (controlReader != null) {
      controlReader.close();
    }
  }
}
