package dev.runex.workers.internal.monitoring;

import dev.runex.schemas.Job;
import dev.runex.schemas.lifecycle.TraceParents;
import java.util.regex.Matcher;
import org.slf4j.MDC;

/**
 * Puts a job's {@code job.id}, {@code tenant}, {@code attempt} and, when it was submitted with a
 * {@code traceparent}, its {@code trace.id} into the SLF4J MDC for the duration of a
 * try-with-resources block, so handler logs and the worker's own failure logs can be correlated
 * with the job's events and result.
 */
public final class JobMdc implements AutoCloseable {
  public static final String JOB_ID = "job.id";
  public static final String TENANT = "tenant";
  public static final String ATTEMPT = "attempt";
  public static final String TRACE_ID = "trace.id";

  private JobMdc() {}

  public static JobMdc put(Job job) {
    MDC.put(JOB_ID, job.getId());
    MDC.put(TENANT, job.getTenant());
    MDC.put(ATTEMPT, Integer.toString(job.getAttempt()));
    Matcher trace = TraceParents.parse(job.getTraceParent());
    if (trace != null) {
      MDC.put(TRACE_ID, trace.group(1));
    }
    return new JobMdc();
  }

  @Override
  public void close() {
    MDC.remove(JOB_ID);
    MDC.remove(TENANT);
    MDC.remove(ATTEMPT);
    MDC.remove(TRACE_ID);
  }
}
