package dev.runex.workers.internal.execution;

import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;

/**
 * Built-in {@code fail}, for trying retries and dead letters: fails the first {@code params.times}
 * attempts (default: every attempt) with a retryable failure, then outputs {@code succeeded on
 * attempt N}. With {@code params.permanent=true} every attempt fails permanently. {@code
 * params.message} replaces the failure message.
 */
public final class FailHandler implements JobHandler {
  public static final String NAME = "fail";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String handle(JobContext ctx) throws PermanentJobException, RetryableJobException {
    String message = ctx.stringParam("message", null);
    if (ctx.booleanParam("permanent", false)) {
      throw new PermanentJobException(
          ReasonCode.FAIL_REQUESTED.code(),
          message != null ? message : "permanent failure requested");
    }
    long times = ctx.longParam("times", Long.MAX_VALUE);
    if (ctx.attempt() <= times) {
      throw new RetryableJobException(
          ReasonCode.FAIL_REQUESTED.code(),
          message != null ? message : "failure requested on attempt " + ctx.attempt(),
          null);
    }
    return "succeeded on attempt " + ctx.attempt();
  }
}
