package dev.runex.schemas.control;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import java.time.Instant;

/**
 * Keys of the compacted {@code control} topic: what a {@link ControlCommand} applies to ({@code
 * job:}, {@code tenant:}, {@code type:}, {@code pool:}, {@code schedule:}). Shared by the CLI that
 * writes commands and the topology and workers that read them, so they agree on the spelling.
 */
public final class ControlTargets {
  public static final String JOB = "job:";
  public static final String TENANT = "tenant:";
  public static final String TYPE = "type:";
  public static final String POOL = "pool:";

  /** A recurring schedule: while paused, its firings are skipped (counted, not submitted). */
  public static final String SCHEDULE = "schedule:";

  private ControlTargets() {}

  public static String job(String jobId) {
    return JOB + jobId;
  }

  public static String tenant(String tenant) {
    return TENANT + tenant;
  }

  public static String type(String type) {
    return TYPE + type;
  }

  public static String pool(String pool) {
    return POOL + pool;
  }

  public static String schedule(String name) {
    return SCHEDULE + name;
  }

  /** A command for {@code target}, stamped {@code now}. */
  public static ControlCommand command(
      String target, ControlAction action, String requestedBy, String reason, Instant now) {
    return ControlCommand.newBuilder()
        .setTarget(target)
        .setAction(action)
        .setTime(now)
        .setRequestedBy(requestedBy)
        .setReason(reason)
        .build();
  }
}
