package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.config.ProcessSpec.ExitAction;
import dev.runex.config.Template.Placeholder;
import dev.runex.schemas.JobLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job types with process and http executors and limits, as operators write them in YAML. */
class ExecutorConfigTest {

  private static JobTypeSpec type(String body) {
    String yaml =
        "runex:\n  jobTypes:\n    t:\n      tenants: [demo]\n      params: {n: int, id: string}\n"
            + body.indent(6);
    return ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobType("t");
  }

  @Test
  void parsesProcessTypeWithArgvTemplateExitCodesAndLimits() {
    JobTypeSpec t =
        type(
            """
        executor: process
        process:
          command: ["/usr/bin/python3", "-c", "print(1)", "--n={params.n}", "{job.id}"]
          exitCodes: {"3": retryable, "0": permanent, default: success}
        limits: {memory: 128MB, cpu: 5s, pids: 8, fileSize: 1MB, output: 64KB, network: true, env: [PATH]}
        """);

    assertThat(t.executor()).isEqualTo(JobTypeSpec.PROCESS);
    assertThat(t.process().command()).hasSize(5);
    assertThat(t.process().command().get(3).parts())
        .element(1)
        .isEqualTo(new Placeholder("params.n"));
    assertThat(t.process().actionFor(3)).isEqualTo(ExitAction.RETRYABLE);
    assertThat(t.process().actionFor(0)).isEqualTo(ExitAction.PERMANENT);
    assertThat(t.process().actionFor(75)).isEqualTo(ExitAction.RETRYABLE);
    assertThat(t.process().actionFor(9)).isEqualTo(ExitAction.SUCCESS);
    assertThat(t.limits())
        .isEqualTo(
            new ExecutionLimits(
                128L << 20, Duration.ofSeconds(5), 8, 1L << 20, 64 << 10, true, List.of("PATH")));
  }

  @Test
  void processExitCodesDefaultToSuccessTempfailRetryableOthersPermanent() {
    ProcessSpec p = type("executor: process\nprocess: {command: [/bin/true]}").process();

    assertThat(p.actionFor(0)).isEqualTo(ExitAction.SUCCESS);
    assertThat(p.actionFor(75)).isEqualTo(ExitAction.RETRYABLE);
    assertThat(p.actionFor(1)).isEqualTo(ExitAction.PERMANENT);
  }

  @Test
  void parsesHttpTypeWithDefaults() {
    JobTypeSpec t =
        type(
            """
        executor: http
        http:
          url: "http://127.0.0.1:8080/resize/{params.id}?n={params.n}"
          method: put
          headers: {Authorization: "Bearer x"}
          breaker: {failureRate: 40, window: 4, minCalls: 2, openFor: 2s}
        """);

    assertThat(t.http().method()).isEqualTo("PUT");
    assertThat(t.http().sendsBody()).isTrue();
    assertThat(t.http().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.http().headers()).containsEntry("Authorization", "Bearer x");
    assertThat(t.http().breaker())
        .isEqualTo(new HttpSpec.BreakerSpec(40, 4, 2, Duration.ofSeconds(2)));
    assertThat(t.limits()).isEqualTo(ExecutionLimits.defaultsFor(JobTypeSpec.HTTP));
  }

  @Test
  void typesInTheWorkersJvmDeclareLessMemoryByDefaultThanProcesses() {
    RunexConfig defaults = ConfigLoader.load(null, Map.of(), Map.of());

    assertThat(defaults.jobType("echo").limits().memoryBytes()).isEqualTo(64L << 20);
    assertThat(type("executor: process\nprocess: {command: [/bin/true]}").limits())
        .isEqualTo(ExecutionLimits.DEFAULT);
    assertThat(ExecutionLimits.DEFAULT.memoryBytes()).isEqualTo(256L << 20);
  }

  @Test
  void refusesAProgramChosenByParameters() {
    assertThatThrownBy(() -> type("executor: process\nprocess: {command: [\"{params.id}\", x]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.jobTypes.t.process.command[0] must be a fixed program");
  }

  @Test
  void refusesARequestChosenValueSplicedIntoInlineCode() {
    // a parameter inside the script sh -c runs would be code: "; rm -rf ~" would run
    assertThatThrownBy(
            () ->
                type(
                    "executor: process\n"
                        + "process: {command: [/bin/sh, -c, \"echo {params.id}\"]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.jobTypes.t.process.command[2] puts {params.id} into the code");
    assertThatThrownBy(
            () ->
                type(
                    "executor: process\n"
                        + "process: {command: [/usr/bin/python3, -c, \"print('{job.id}')\"]}"))
        .hasMessageContaining("puts {job.id} into the code that /usr/bin/python3 -c runs");
    assertThatThrownBy(
            () ->
                type("executor: process\n" + "process: {command: [bash, -ec, \"x={params.id}\"]}"))
        .hasMessageContaining("puts {params.id} into the code");
  }

  @Test
  void acceptsValuesAsArgumentsOfTheirOwnBesideInlineCode() {
    // the safe form: the value is its own argv entry; {workdir} is runex's, not the request's
    assertThat(
            type("executor: process\n"
                    + "process: {command: [/bin/sh, -c, \"cd {workdir} && echo \\\"$1\\\"\","
                    + " sh, \"{params.id}\"]}")
                .process()
                .command())
        .hasSize(5);
  }

  @Test
  void refusesPlaceholdersOfUndeclaredParameters() {
    assertThatThrownBy(
            () -> type("executor: process\nprocess: {command: [/bin/echo, \"{params.nope}\"]}"))
        .hasMessageContaining("runex.jobTypes.t.process.command[1] refers to {params.nope}")
        .hasMessageContaining("not a declared parameter");
  }

  @Test
  void refusesPlaceholdersInTheUrlAuthority() {
    assertThatThrownBy(() -> type("executor: http\nhttp: {url: \"http://{params.id}:80/x\"}"))
        .hasMessageContaining(
            "runex.jobTypes.t.http.url must be an absolute http(s) URL whose scheme, host and port are fixed");
    assertThatThrownBy(() -> type("executor: http\nhttp: {url: \"ftp://host/x\"}"))
        .hasMessageContaining("must be an http or https URL");
  }

  @Test
  void refusesOutputCapsAResultCannotCarry() {
    assertThatThrownBy(() -> type("limits: {output: 1MB}"))
        .hasMessage(
            "runex.jobTypes.t.limits.output must be between 0B and 512KB (a result must fit one Kafka record), was 1MB");
  }

  @Test
  void refusesBadLimitValuesNamingKeyAndValue() {
    assertThatThrownBy(() -> type("limits: {memory: lots}"))
        .hasMessage(
            "runex.jobTypes.t.limits.memory must be a size (65536, 64KB, 256MB, 1GB), was 'lots'");
    assertThatThrownBy(() -> type("limits: {pids: 0}"))
        .hasMessage("runex.jobTypes.t.limits.pids must be >= 1, was 0");
    assertThatThrownBy(() -> type("limits: {memry: 1GB}"))
        .hasMessageContaining("unknown setting runex.jobTypes.t.limits.memry");
  }

  @Test
  void refusesBlocksThatDoNotMatchTheExecutor() {
    assertThatThrownBy(() -> type("process: {command: [/bin/true]}"))
        .hasMessageContaining("runex.jobTypes.t has a process block, but its executor is java");
    assertThatThrownBy(() -> type("executor: process"))
        .hasMessageContaining("runex.jobTypes.t.process (command, exitCodes) is required");
    assertThatThrownBy(() -> type("executor: shell"))
        .hasMessageContaining(
            "runex.jobTypes.t.executor must be java, process or http, was 'shell'");
  }

  @Test
  void refusesHeadersRunexOrTheClientSet() {
    assertThatThrownBy(
            () -> type("executor: http\nhttp: {url: \"http://h/x\", headers: {Host: evil}}"))
        .hasMessageContaining("runex.jobTypes.t.http.headers.Host cannot be configured");
  }

  @Test
  void requestLimitsOnlyLowerTheTypes() {
    ExecutionLimits type =
        new ExecutionLimits(
            256L << 20, Duration.ofSeconds(10), 16, 1L << 20, 1024, false, List.of());
    JobLimits asks =
        JobLimits.newBuilder()
            .setMemoryBytes(64L << 20)
            .setCpuMs(60_000L)
            .setPids(4)
            .setNetwork(true)
            .setOutputBytes(10L)
            .build();

    ExecutionLimits effective = type.withOverrides(asks);

    assertThat(effective.memoryBytes()).isEqualTo(64L << 20);
    assertThat(effective.cpu()).isEqualTo(Duration.ofSeconds(10));
    assertThat(effective.pids()).isEqualTo(4);
    assertThat(effective.network()).isFalse();
    assertThat(effective.outputBytes()).isEqualTo(10);
    assertThat(effective.fileSizeBytes()).isEqualTo(1L << 20);
  }

  @Test
  void sizesParseUnitsAsPowersOf1024AndFormatBack() {
    assertThat(Sizes.parse("64KB")).isEqualTo(65_536);
    assertThat(Sizes.parse("256 mb")).isEqualTo(256L << 20);
    assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
    assertThat(Sizes.parse("100")).isEqualTo(100);
    assertThat(Sizes.format(256L << 20)).isEqualTo("256MB");
    assertThat(Sizes.format(1536)).isEqualTo("1536B");
    assertThat(Sizes.format(3L << 20)).isEqualTo("3MB");
    assertThatThrownBy(() -> Sizes.parse("1.5MB")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workerMemoryBudgetIsASize() {
    RunexConfig cfg =
        ConfigLoader.fromYaml("runex:\n  worker:\n    memoryBudget: 2GB\n", Map.of(), Map.of());

    assertThat(cfg.bytes(Settings.WORKER_MEMORY_BUDGET)).isEqualTo(2L << 30);
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  worker:\n    sandbox: docker\n", Map.of(), Map.of()))
        .hasMessage("runex.worker.sandbox must be auto, bubblewrap or none, was 'docker'");
  }
}
