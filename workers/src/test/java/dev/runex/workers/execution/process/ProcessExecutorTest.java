package dev.runex.workers.execution.process;

import static dev.runex.workers.testing.HostRequirements.require;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.SandboxMode;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.execution.AttemptTimedOutException;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

  private static JobContext ctx(Job job, Duration timeout) {
    Instant now = Instant.now();
    return new JobContext(job, "w1", now, now.plus(timeout));
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
    String out = executor(type, Map.of()).handle(ctx(job, Duration.ofSeconds(30)));

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

    String out = executor(type, host).handle(ctx(job("j2", "p", Map.of()), Duration.ofSeconds(30)));

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

    assertThatThrownBy(
            () -> exec.handle(ctx(job("a", "p", Map.of("n", 75L)), Duration.ofSeconds(30))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.code()).isEqualTo("EXIT_75"));
    assertThatThrownBy(
            () -> exec.handle(ctx(job("b", "p", Map.of("n", 3L)), Duration.ofSeconds(30))))
        .isInstanceOf(RetryableJobException.class);
    assertThatThrownBy(
            () -> exec.handle(ctx(job("c", "p", Map.of("n", 4L)), Duration.ofSeconds(30))))
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
    JobContext ctx = ctx(job, Duration.ofSeconds(30));

    assertThatThrownBy(() -> executor(type, Map.of()).handle(ctx))
        .isInstanceOfSatisfying(
            PermanentJobException.class,
            e -> assertThat(e.code()).isEqualTo(ReasonCode.MEMORY_LIMIT.code()));
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.MEMORY_LIMIT.code());
    assertThat(ctx.usage().getExitCode()).isNotZero();
  }

  @Test
  void theDeadlineEndsTheProcessAsATimeout() {
    JobTypeSpec type = type("[" + ProcessSandboxTest.PYTHON + ", -c, 'while True: pass']", "");
    JobContext ctx = ctx(job("t", "p", Map.of()), Duration.ofMillis(500));

    assertThatThrownBy(() -> executor(type, Map.of()).handle(ctx))
        .isInstanceOf(AttemptTimedOutException.class);
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.TIMED_OUT.code());
    assertThat(ctx.usage().getWallMs()).isPositive();
  }
}
