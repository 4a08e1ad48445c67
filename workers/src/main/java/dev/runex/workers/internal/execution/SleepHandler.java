package dev.runex.workers.internal.execution;

import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.handler.PermanentJobException;

/**
 * Built-in {@code sleep}: sleeps {@code params.ms} milliseconds, interruptibly (so a timeout or a
 * shutdown stops it at once), then outputs {@code slept <ms> ms}.
 */
public final class SleepHandler implements JobHandler {
  public static final String NAME = "sleep";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String handle(JobContext ctx) throws PermanentJobException, InterruptedException {
    long ms = ctx.requiredLongParam("ms");
    if (ms < 0) {
      throw new PermanentJobException(
          ReasonCode.PARAM_INVALID.code(), "parameter ms must be >= 0, was " + ms);
    }
    Thread.sleep(ms);
    return "slept " + ms + " ms";
  }
}
