package dev.runex.workers;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.ResourceUsage;
import dev.runex.schemas.lifecycle.Deadlines;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.deadletter.SourceCoordinates;
import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.execution.UndecodableJobException;
import dev.runex.workers.internal.monitoring.JobMdc;
import dev.runex.workers.internal.monitoring.WorkerMetrics;
import dev.runex.workers.internal.offsets.AssignedPartition;
import dev.runex.workers.internal.offsets.AssignedPartitions;
import dev.runex.workers.internal.output.AttemptOutputs;
import dev.runex.workers.internal.output.OutcomeRecords;
import dev.runex.workers.internal.output.OutputTransaction;
import dev.runex.workers.internal.output.PreparedOutputs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the poll loop ends a fetched record: its outputs ({@link OutcomeRecords}) go into the open
 * transaction and its offset is marked finished, so both commit together. One place for every
 * ending — an attempt's outcome, a cancel, an expiry before the start, an undecodable record — so
 * none can forget the offset or the metrics. Poll-loop thread only, except {@link #reporter}'s
 * callbacks, which run on the thread that ended an attempt (handler or timer): they build and
 * encode its outputs there (reading only the configuration, the held STARTED events and the
 * thread-safe serializers), so the poll loop's one thread does not, and send a success's outputs
 * there too when the transaction allows ({@link OutputTransaction#trySendFromAttempt}). Only a
 * success: any other outcome of a job cancelled meanwhile turns into its CANCELLED result, which
 * the poll loop decides from the control table. The poll loop finishes the offset either way.
 */
final class AttemptEnds {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

  private final RunexConfig cfg;
  private final OutputTransaction tx;
  private final OutcomeRecords outputs;
  private final AssignedPartitions partitions;
  private final WorkerMetrics metrics;
  private final OutcomeReport reporter;
  private final ControlTable control;
  private final Clock clock;

  AttemptEnds(
      RunexConfig cfg,
      OutputTransaction tx,
      OutcomeRecords outputs,
      AssignedPartitions partitions,
      WorkerMetrics metrics,
      ControlTable control,
      Clock clock) {
    this.cfg = cfg;
    this.tx = tx;
    this.outputs = outputs;
    this.partitions = partitions;
    this.metrics = metrics;
    this.reporter = new OutcomeReport(metrics);
    this.control = control;
    this.clock = clock;
  }

  /**
   * Where the attempt of {@code running} reports its outcome, on its own thread: see the class
   * comment. {@code generation} is the transaction's when the attempt started, {@code live} false
   * once it was cancelled or abandoned, and {@code news} hands the {@link Completion} to the poll
   * loop.
   */
  Consumer<AttemptOutcome> reporter(
      RunningJob running, long generation, BooleanSupplier live, Consumer<Completion> news) {
    return outcome -> {
      PreparedOutputs prepared = prepare(running.fetched(), outcome);
      boolean sent =
          prepared != null
              && outcome instanceof AttemptOutcome.Succeeded
              && trySend(running, outcome, prepared, generation, live, news);
      if (!sent) {
        news.accept(new Completion(running, outcome, prepared, null));
      }
    };
  }

  /**
   * Sends a success's outputs from its attempt's thread, taking its held STARTED in under the gate,
   * and announces them to the poll loop before the gate opens again; false when refused.
   */
  private boolean trySend(
      RunningJob running,
      AttemptOutcome outcome,
      PreparedOutputs prepared,
      long generation,
      BooleanSupplier live,
      Consumer<Completion> news) {
    AtomicReference<AttemptOutputs> taken = new AtomicReference<>();
    return tx.trySendFromAttempt(
        generation,
        live,
        () -> {
          taken.set(outputs.take(prepared));
          return taken.get().records();
        },
        () -> news.accept(new Completion(running, outcome, prepared, taken.get())));
  }

  /**
   * The outputs of {@code outcome}, built and encoded on the calling thread, or null when that
   * failed (not expected: the schemas were registered before any job started): {@link #finish} then
   * builds them on the poll loop, where such a failure aborts and rewinds.
   */
  private PreparedOutputs prepare(FetchedJob fetched, AttemptOutcome outcome) {
    try {
      return outputsFor(fetched, outcome);
    } catch (RuntimeException e) {
      log.debug("building the outputs of {} on its own thread failed: {}", fetched.source(), e);
      return null;
    }
  }

  /** The attempt's outputs (or, for a cancelled job that did not succeed, its CANCELLED result). */
  void finish(FetchedJob fetched, AttemptOutcome outcome) {
    finish(fetched, outcome, null, null);
  }

  /**
   * The attempt's outputs: already in the open transaction when {@code sent} is not null (a
   * success, which stands even if the job was cancelled meanwhile), else {@code prepared} on its
   * thread where not null; or, for a cancelled job that did not succeed, its CANCELLED result.
   */
  void finish(
      FetchedJob fetched, AttemptOutcome outcome, PreparedOutputs prepared, AttemptOutputs sent) {
    Job job = fetched.job();
    // a success that won the race with the cancel stands; anything else of a cancelled job ends it
    Optional<ControlCommand> cancel =
        outcome instanceof AttemptOutcome.Succeeded
            ? Optional.empty()
            : control.cancelOf(job.getId());
    if (cancel.isPresent()) {
      cancelled(fetched, cancel.get(), outcome.startedAt(), outcome.usage());
      return;
    }
    AttemptOutputs out = sent;
    if (out == null) {
      out = outputs.take(prepared != null ? prepared : outputsFor(fetched, outcome));
      tx.send(out.records());
    }
    finished(fetched);
    reporter.report(fetched, outcome, out);
  }

  /** The job's one CANCELLED result ({@code startedAt} null: it never started). */
  void cancelled(
      FetchedJob fetched, ControlCommand cancel, Instant startedAt, ResourceUsage usage) {
    Job job = fetched.job();
    String reason =
        "cancelled"
            + (cancel.getRequestedBy() == null ? "" : " by " + cancel.getRequestedBy())
            + (cancel.getReason() == null ? "" : ": " + cancel.getReason());
    Instant now = clock.instant();
    var out = outputs.cancelled(job, reason, startedAt, usage, now);
    tx.send(out.records());
    finished(fetched);
    metrics.finished(
        job.getType(),
        out.kind().tag(),
        startedAt == null ? Duration.ZERO : Duration.between(startedAt, now),
        usage);
    log.info("job {} {} [{}]", job.getId(), reason, fetched.source());
  }

  /** Too late to start: the job's EXPIRED result instead of a run. */
  void expired(FetchedJob fetched, JobTypeSpec spec, Instant now) {
    Job job = fetched.job();
    tx.send(outputs.expired(job, spec, now));
    finished(fetched);
    metrics.expired(job.getType());
    try (JobMdc mdc = JobMdc.put(job)) {
      log.info(
          "job {} attempt {} expired before it could start ({}) [{}]",
          job.getId(),
          job.getAttempt(),
          Deadlines.detail(job, JobTypeSpec.maxQueueTimeOf(spec)),
          fetched.source());
    }
  }

  /** A record that is not a readable job: a dead letter with its bytes and coordinates. */
  void undecodable(
      AssignedPartition p, ConsumerRecord<String, byte[]> r, UndecodableJobException e) {
    SourceCoordinates source = new SourceCoordinates(r.topic(), r.partition(), r.offset());
    log.warn("record {} is not a readable job, dead-lettered: {}", source, e.getMessage());
    byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
    tx.send(outputs.forUndecodable(source, key, r.value(), e, clock.instant()));
    p.tracker().finish(r.offset());
    metrics.deadLettered();
  }

  private PreparedOutputs outputsFor(FetchedJob fetched, AttemptOutcome outcome) {
    Job job = fetched.job();
    JobTypeSpec spec = cfg.jobType(job.getType());
    return outputs.prepare(
        job, outcome, spec == null ? null : spec.retry(), fetched.source(), clock.instant());
  }

  private void finished(FetchedJob fetched) {
    partitions.get(fetched.partition()).tracker().finish(fetched.offset());
  }
}
