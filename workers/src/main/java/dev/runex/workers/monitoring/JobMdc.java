package dev.runex.workers.monitoring;

import dev.runex.schemas.Job;
import org.slf4j.MDC;

/**
 * Puts a job's {@code job.id}, {@code tenant} and {@code attempt} into the SLF4J MDC for the
 * duration of a try-with-resources block, so handler logs and the worker's own failure logs can
 * be correlated with the job's events and result.
 */
public final class JobMdc implements AutoCloseable {
  public static final String JOB_ID = "job.id";
  public static final String TENANT = "tenant";
  public static final String ATTEMPT = "attempt";

  private JobMdc() {}

  public static JobMdc put(Job job) {
    MDC.put(JOB_ID, job.getId());
    MDC.put(TENANT, job.getTenant());
    MDC.put(ATTEMPT, Integer.toString(job.getAttempt()));
    return new JobMdc();
  }

  @Override
  public void close() {
    MDC.remove(JOB_ID);
    MDC.remove(TENANT);
    MDC.remove(ATTEMPT);
  }
}
