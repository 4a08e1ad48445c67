package dev.runex.gateway.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.audit.AuditLog;
import dev.runex.gateway.schedules.ScheduleCatalog;
import dev.runex.gateway.status.JobQueries;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.control.ControlTargets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Cancel, pause and resume from the gateway, with what each key may do: a tenant key cancels its
 * own jobs and pauses or resumes its own tenant and its own schedules; types and pools (which hold
 * every tenant's jobs) are for operator keys. Another tenant's job, tenant or schedule is "not
 * found". Each command is written to the control topic (acked) and to the audit trail.
 */
public final class Controls {
  /** What a pause or resume applies to. */
  public enum Kind {
    TENANT,
    TYPE,
    POOL,
    SCHEDULE;

    public static Kind parse(String plural) {
      return switch (plural.toLowerCase(Locale.ROOT)) {
        case "tenants", "tenant" -> TENANT;
        case "types", "type" -> TYPE;
        case "pools", "pool" -> POOL;
        case "schedules", "schedule" -> SCHEDULE;
        default -> throw Problem.notFound("no such kind of target: " + plural);
      };
    }
  }

  /** Where a command was written. */
  public record Ack(String target, String action, int partition, long offset) {}

  private final RunexConfig cfg;
  private final ControlWriter writer;
  private final PausedTargets paused;
  private final JobQueries jobs;
  private final ScheduleCatalog schedules;
  private final AuditLog audit;

  public Controls(
      RunexConfig cfg,
      ControlWriter writer,
      PausedTargets paused,
      JobQueries jobs,
      ScheduleCatalog schedules,
      AuditLog audit) {
    this.cfg = cfg;
    this.writer = writer;
    this.paused = paused;
    this.jobs = jobs;
    this.schedules = schedules;
    this.audit = audit;
  }

  /** Cancels a job; a tenant key only its own (known to the status store). */
  public Ack cancel(Caller caller, String jobId, String reason) throws InterruptedException {
    if (!caller.isOperator()) {
      jobs.status(caller, jobId); // 404 unless it is this tenant's
    }
    return write(caller, ControlTargets.job(jobId), ControlAction.CANCEL, reason);
  }

  public Ack pause(Caller caller, Kind kind, String name, String reason)
      throws InterruptedException {
    return write(caller, target(caller, kind, name), ControlAction.PAUSE, reason);
  }

  public Ack resume(Caller caller, Kind kind, String name, String reason)
      throws InterruptedException {
    return write(caller, target(caller, kind, name), ControlAction.RESUME, reason);
  }

  private String target(Caller caller, Kind kind, String name) {
    if (name == null || name.isBlank()) {
      throw Problem.badRequest("BAD_PARAMETER", "name the " + kind.name().toLowerCase(Locale.ROOT));
    }
    return switch (kind) {
      case TENANT -> {
        if (!caller.sees(name)) {
          throw Problem.notFound("no tenant " + name);
        }
        yield ControlTargets.tenant(name);
      }
      case TYPE -> {
        operatorOnly(caller, "a job type");
        if (cfg.jobType(name) == null) {
          throw Problem.notFound(
              "no job type " + name + " (declared: " + cfg.jobTypes().keySet() + ")");
        }
        yield ControlTargets.type(name);
      }
      case POOL -> {
        operatorOnly(caller, "a pool");
        if (!cfg.pools().contains(name)) {
          throw Problem.notFound("no pool " + name + " (pools: " + cfg.pools() + ")");
        }
        yield ControlTargets.pool(name);
      }
      case SCHEDULE -> {
        schedules.find(caller, name).orElseThrow(() -> Problem.notFound("no schedule " + name));
        yield ControlTargets.schedule(name);
      }
    };
  }

  private static void operatorOnly(Caller caller, String what) {
    if (!caller.isOperator()) {
      throw Problem.forbidden(
          "OPERATOR_ONLY",
          "pausing or resuming " + what + " holds every tenant's jobs: operator keys only");
    }
  }

  private Ack write(Caller caller, String target, ControlAction action, String reason)
      throws InterruptedException {
    long before = paused.version();
    RecordMetadata md;
    try {
      md = writer.send(target, action, caller.actor(), reason);
    } catch (ExecutionException e) {
      throw Problem.unavailable("cannot write to the control topic: " + e.getCause().getMessage());
    }
    ObjectNode record =
        AuditLog.record(caller, "control." + action.name().toLowerCase(Locale.ROOT), target);
    record.put("reason", reason);
    audit.write(record);
    // so the next page shows it: the table follows the topic within a poll
    paused.awaitVersionAbove(before, Duration.ofSeconds(2));
    return new Ack(target, action.name(), md.partition(), md.offset());
  }
}
