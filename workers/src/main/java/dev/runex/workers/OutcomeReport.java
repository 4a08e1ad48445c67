package dev.runex.workers;

import dev.runex.schemas.Job;
import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.monitoring.JobMdc;
import dev.runex.workers.internal.monitoring.WorkerMetrics;
import dev.runex.workers.internal.output.AttemptOutputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a finished attempt to metrics and the log, with the job's MDC. Expected failures are INFO
 * (retrying) or WARN (dead-lettered), never ERROR: the job failed, not the worker.
 */
final class OutcomeReport {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
  private final WorkerMetrics metrics;

  OutcomeReport(WorkerMetrics metrics) {
    this.metrics = metrics;
  }

  void report(FetchedJob fetched, AttemptOutcome outcome, AttemptOutputs out) {
    Job job = fetched.job();
    try (JobMdc mdc = JobMdc.put(job)) {
      if (outcome instanceof AttemptOutcome.Deferred d) {
        metrics.deferred(job.getType());
        log.info(
            "job {} attempt {} deferred until {}: {} [{}]",
            job.getId(),
            job.getAttempt(),
            d.until(),
            d.reason(),
            fetched.source());
        return;
      }
      metrics.finished(job.getType(), out.kind().tag(), outcome.duration(), outcome.usage());
      if (outcome instanceof AttemptOutcome.Failed f) {
        var failure = f.failure();
        if (out.kind() == AttemptOutputs.Kind.RETRY) {
          metrics.retried(job.getType());
          log.info(
              "job {} attempt {}/{} failed ({}), retrying [{}]",
              job.getId(),
              job.getAttempt(),
              job.getMaxAttempts(),
              failure.describe(),
              fetched.source());
        } else {
          metrics.deadLettered();
          log.warn(
              "job {} {} after {} attempt(s) ({}), dead-lettered [{}]",
              job.getId(),
              out.kind().tag(),
              job.getAttempt(),
              failure.describe(),
              fetched.source());
        }
      } else {
        log.debug(
            "job {} attempt {} succeeded in {} ms",
            job.getId(),
            job.getAttempt(),
            outcome.duration().toMillis());
      }
    }
  }
}
