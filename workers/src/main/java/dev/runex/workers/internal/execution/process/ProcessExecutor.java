package dev.runex.workers.internal.execution.process;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.ProcessSpec;
import dev.runex.config.ProcessSpec.ExitAction;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.AttemptBody;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptTimedOutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code process} executor of one job type: renders the type's argv template with the job's
 * parameters ({@link ArgvTemplate}), runs it in the {@link ProcessSandbox} under the job's
 * effective limits (the type's, lowered by the request's own), and turns the run into an outcome:
 *
 * <ul>
 *   <li>stopped at the deadline: {@code TIMEOUT} (retryable; TIMED_OUT when no attempts are left);
 *   <li>stopped by a memory, CPU, pids or file-size limit: permanent, coded by the limit;
 *   <li>otherwise the exit code decides, per the type's {@code exitCodes}: success (stdout is the
 *       output), retryable or permanent ({@code EXIT_<code>}, stderr's last lines in the message).
 * </ul>
 *
 * Every outcome records the run's usage. The process sees only the type's allowlisted environment
 * plus {@code RUNEX_JOB_ID}, {@code RUNEX_ATTEMPT}, {@code RUNEX_IDEMPOTENCY_KEY}, {@code
 * TRACEPARENT}, {@code HOME}, {@code PWD} and {@code TMPDIR}.
 */
public final class ProcessExecutor implements AttemptBody {
  private static final int MESSAGE_TAIL = 1_000;

  private final JobTypeSpec type;
  private final ProcessSpec spec;
  private final ArgvTemplate argv;
  private final ProcessSandbox sandbox;
  private final Map<String, String> hostEnv;

  public ProcessExecutor(JobTypeSpec type, ProcessSandbox sandbox) {
    this(type, sandbox, System.getenv());
  }

  ProcessExecutor(JobTypeSpec type, ProcessSandbox sandbox, Map<String, String> hostEnv) {
    this.type = type;
    this.spec = type.process();
    this.argv = new ArgvTemplate(spec.command());
    this.sandbox = sandbox;
    this.hostEnv = hostEnv;
  }

  @Override
  public String run(AttemptContext ctx) throws Exception {
    ExecutionLimits limits = type.limits().withOverrides(ctx.job().getLimits());
    SandboxRun run =
        sandbox.run(
            new ProcessSandbox.Request(
                ctx.jobId(),
                ctx.attempt(),
                workdir -> argv.render(ctx, workdir),
                limits,
                environment(ctx, limits),
                ctx.deadline()));
    ctx.recordUsage(run.usage());
    return switch (run.ending()) {
      case CANCELLED ->
          throw new InterruptedException("attempt cancelled; its processes were ended");
      case TIMED_OUT ->
          throw new AttemptTimedOutException(
              "attempt timed out after "
                  + Duration.between(ctx.startedAt(), ctx.deadline()).toMillis()
                  + " ms; its processes were ended",
              Duration.between(ctx.startedAt(), ctx.deadline()));
      case EXITED -> exited(run);
    };
  }

  private String exited(SandboxRun run) throws PermanentJobException, RetryableJobException {
    String limit = run.limit();
    if (limit != null && !limit.equals(ReasonCode.OUTPUT_LIMIT.code())) {
      throw new PermanentJobException(
          limit, "stopped by " + limit + " (exit " + run.exitCode() + ")" + stderr(run));
    }
    ExitAction action = spec.actionFor(run.exitCode());
    String code =
        run.signal() != null
            ? ReasonCode.Family.SIGNAL.code(run.signal())
            : ReasonCode.Family.EXIT.code(run.exitCode());
    String message =
        (run.signal() != null ? "killed by signal " + run.signal() : "exit code " + run.exitCode())
            + stderr(run);
    return switch (action) {
      case SUCCESS -> new String(run.stdout(), StandardCharsets.UTF_8);
      case RETRYABLE -> throw new RetryableJobException(code, message, null);
      case PERMANENT -> throw new PermanentJobException(code, message);
    };
  }

  private static String stderr(SandboxRun run) {
    String tail = run.stderrTail().strip();
    if (tail.isEmpty()) {
      return "";
    }
    return "; stderr: "
        + (tail.length() > MESSAGE_TAIL
            ? "..." + tail.substring(tail.length() - MESSAGE_TAIL)
            : tail);
  }

  private Map<String, String> environment(JobContext ctx, ExecutionLimits limits) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : limits.env()) {
      String v = hostEnv.get(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    env.put("RUNEX_JOB_ID", ctx.jobId());
    env.put("RUNEX_ATTEMPT", Integer.toString(ctx.attempt()));
    env.put("RUNEX_IDEMPOTENCY_KEY", ctx.idempotencyKey());
    env.put("TRACEPARENT", ctx.traceParent());
    return env;
  }
}
