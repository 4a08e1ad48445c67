package dev.runex.workers.internal.execution.process;

import static dev.runex.workers.testing.HostRequirements.require;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.SandboxMode;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptTimedOutException;
import dev.runex.workers.testing.CiRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A process job type end to end: template, sandbox, exit codes, environment. */
@Timeout(60)
class ProcessExecutorTest {
  private static SandboxTools tools;
  @TempDir Path workRoot;

  @BeforeAll
  static void findTools() {
    tools = SandboxTools.detect();
    require(Files.isExecutable(Path.of(ProcessSandboxTest.PYTHON)), ProcessSandboxTest.PYTHON);
    require(tools.prlimit() != null, "prlimit (util-linux)");
  }

  private static JobTypeSpec type(String command, String extra) {
    String yaml =
        "runex:\n  jobTypes:\n    p:\n      executor: process\n      tenants: [demo]\n"
            + "      params: {x: string, y: string, n: int, opt: string}\n"
            + "      process:\n        command: "
            + command
            + "\n"
            + extra;
    return ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobType("p");
  }

  private ProcessExecutor executor(JobTypeSpec type, Map<String, String> hostEnv) {
    return new ProcessExecutor(
        type,
        new ProcessSandbox(
            tools,
            SandboxMode.AUTO,
            workRoot,
            Duration.ofMillis(300),
            SandboxUids.forThisProcess()),
        hostEnv);
  }

  private static AttemptContext ctx(Job job, Duration timeout) {
    Instant now = Instant.now();
    return new AttemptContext(job, "w1", now, now.plus(timeout));
  }

  @Test
  void parametersAreSeparateInertArgvEntriesNeverShellCode() throws Exception {
    // given: values a shell would act on
    JobTypeSpec type =
        type(
            "["
                + ProcessSandboxTest.PYTHON
                + ", -c, 'import os, sys; print(sys.argv[1:]); print(sorted(os.listdir(\".\")))',"
                + " '{params.x}', '--y={params.y}', '{params.n}', '{params.opt}']",
            "");
    Job job =
        job(
            "j1",
            "p",
            Map.of(
                "x", "; rm -rf / ; touch pwned", "y", "$(touch pwned2) `touch pwned3`", "n", 42L));

    // when
    String out = executor(type, Map.of()).run(ctx(job, Duration.ofSeconds(30)));

    // then: each value arrived whole, as text; the absent optional parameter left no entry; nothing
    // ran
    assertThat(out)
        .startsWith("['; rm -rf / ; touch pwned', '--y=$(touch pwned2) `touch pwned3`', '42']\n");
    assertThat(out).endsWith("[]\n");
  }

  @Test
  void theEnvironmentHoldsOnlyTheAllowlistAndTheAttemptsOwnVariables() throws Exception {
    JobTypeSpec type =
        type(
            "[" + ProcessSandboxTest.PYTHON + ", -c, 'import os; print(sorted(os.environ))']",
            "      limits: {env: [LANG]}\n");
    Map<String, String> host =
        Map.of("LANG", "C.UTF-8", "AWS_SECRET_ACCESS_KEY", "s3cr3t", "PATH", "/usr/bin");

    String out = executor(type, host).run(ctx(job("j2", "p", Map.of()), Duration.ofSeconds(30)));

    assertThat(out.trim())
        .isEqualTo(
            "['HOME', 'LANG', 'PWD', 'RUNEX_ATTEMPT', 'RUNEX_IDEMPOTENCY_KEY', 'RUNEX_JOB_ID', 'TMPDIR', 'TRACEPARENT']");
  }

  @Test
  void exitCodesMapToRetryableOrPermanentFailuresCarryingStderr() {
    JobTypeSpec type =
        type(
            "["
                + ProcessSandboxTest.PYTHON
                + ", -c, 'import sys; sys.stderr.write(\"broken\"); sys.exit(int(sys.argv[1]))', '{params.n}']",
            "        exitCodes: {\"3\": retryable}\n");
    ProcessExecutor exec = executor(type, Map.of());

    assertThatThrownBy(() -> exec.run(ctx(job("a", "p", Map.of("n", 75L)), Duration.ofSeconds(30))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.code()).isEqualTo("EXIT_75"));
    assertThatThrownBy(() -> exec.run(ctx(job("b", "p", Map.of("n", 3L)), Duration.ofSeconds(30))))
        .isInstanceOf(RetryableJobException.class);
    assertThatThrownBy(() -> exec.run(ctx(job("c", "p", Map.of("n", 4L)), Duration.ofSeconds(30))))
        .isInstanceOfSatisfying(
            PermanentJobException.class, e -> assertThat(e.code()).isEqualTo("EXIT_4"))
        .hasMessageContaining("stderr: broken");
  }

  @Test
  void aMemoryLimitHitIsAPermanentFailureCodedByTheLimitWithUsage() {
    JobTypeSpec type =
        type(
            "[" + ProcessSandboxTest.PYTHON + ", -c, 'b = bytearray(512 << 20)']",
            "      limits: {memory: 256MB}\n");
    Job job =
        Job.newBuilder(job("m", "p", Map.of()))
            .setLimits(JobLimits.newBuilder().setMemoryBytes(64L << 20).build())
            .build();
    AttemptContext ctx = ctx(job, Duration.ofSeconds(30));

    assertThatThrownBy(() -> executor(type, Map.of()).run(ctx))
        .isInstanceOfSatisfying(
            PermanentJobException.class,
            e -> assertThat(e.code()).isEqualTo(ReasonCode.MEMORY_LIMIT.code()));
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.MEMORY_LIMIT.code());
    assertThat(ctx.usage().getExitCode()).isNotZero();
  }

  /** Allocates and touches 48 MB, then spins; SIGTERM is ignored, so only SIGKILL ends it. */
  private static final String STUBBORN_SPINNER =
      "["
          + ProcessSandboxTest.PYTHON
          + ", -c, \"import signal\\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\\n"
          + "b = bytearray(48 << 20)\\nb[::4096] = b'x' * len(b[::4096])\\nwhile True: pass\","
          + " '{params.x}']";

  @Test
  void aJobKilledAtItsDeadlineStillReportsTheCpuAndMemoryItUsed() {
    // given: a job that ignores SIGTERM, so the sandbox must SIGKILL it after the grace period
    CiRequirement.require(tools.time() != null, "GNU time (CPU time and peak memory)");
    JobTypeSpec type = type(STUBBORN_SPINNER, "");
    AttemptContext ctx =
        // long enough for it to touch its 48 MB on a busy machine
        ctx(job("t2", "p", Map.of("x", "runex-" + UUID.randomUUID())), Duration.ofSeconds(8));

    // when
    assertThatThrownBy(() -> executor(type, Map.of()).run(ctx))
        .isInstanceOf(AttemptTimedOutException.class);

    // then: GNU time's report survived the kill
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.TIMED_OUT.code());
    assertThat(ctx.usage().getCpuMs()).isNotNull().isPositive();
    assertThat(ctx.usage().getPeakMemoryBytes()).isNotNull().isGreaterThan(48L << 20);
  }

  @Test
  void aCancelledJobStillReportsTheCpuAndMemoryItUsed() throws Exception {
    // given: the same job, running
    CiRequirement.require(tools.time() != null, "GNU time (CPU time and peak memory)");
    String marker = "runex-" + UUID.randomUUID();
    JobTypeSpec type = type(STUBBORN_SPINNER, "");
    AttemptContext ctx = ctx(job("c2", "p", Map.of("x", marker)), Duration.ofSeconds(60));
    ProcessExecutor exec = executor(type, Map.of());
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                exec.run(ctx);
                ended.complete(null);
              } catch (Throwable t) {
                ended.complete(t);
              }
            });
    worker.start();
    // it has touched its 48 MB (then it spins): what it used is there to be reported
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ProcessTable.largestResidentBytes(marker) > (48L << 20));

    // when: the worker abandons the attempt (a cancel interrupts the handler's thread)
    worker.interrupt();

    // then
    assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(ProcessTable.withMarker(marker)).isEmpty();
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.CANCELLED.code());
    assertThat(ctx.usage().getCpuMs()).isNotNull().isPositive();
    assertThat(ctx.usage().getPeakMemoryBytes()).isNotNull().isGreaterThan(48L << 20);
  }

  @Test
  void theDeadlineEndsTheProcessAsATimeout() {
    JobTypeSpec type = type("[" + ProcessSandboxTest.PYTHON + ", -c, 'while True: pass']", "");
    AttemptContext ctx = ctx(job("t", "p", Map.of()), Duration.ofMillis(500));

    assertThatThrownBy(() -> executor(type, Map.of()).run(ctx))
        .isInstanceOf(AttemptTimedOutException.class);
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.TIMED_OUT.code());
    assertThat(ctx.usage().getWallMs()).isPositive();
  }
}
