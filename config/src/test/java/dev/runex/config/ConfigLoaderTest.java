package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.JobPriority;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void bundledDefaultsDeclareTheDemoJobTypes() {
    RunexConfig cfg = ConfigLoader.load(null, Map.of(), Map.of());

    assertThat(cfg.jobTypes()).containsKeys("echo", "sleep", "fail");
    assertThat(cfg.jobType("sleep").params().get("ms").required()).isTrue();
    assertThat(cfg.jobType("echo").allowsTenant("demo")).isTrue();
    assertThat(cfg.jobType("echo").allowsTenant("other")).isFalse();
    assertThat(cfg.intValue(Settings.WORKER_CONCURRENCY)).isEqualTo(16);
    assertThat(cfg.pools()).containsExactly("default");
  }

  @Test
  void environmentOverridesFileAndExplicitOverridesWin() {
    String yaml = "runex:\n  worker:\n    concurrency: 4\n    commitInterval: 50ms\n";
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            yaml,
            Map.of("RUNEX_WORKER_CONCURRENCY", "8"),
            Map.of("runex.worker.commitInterval", "PT0.02S"));

    assertThat(cfg.intValue(Settings.WORKER_CONCURRENCY)).isEqualTo(8);
    assertThat(cfg.duration(Settings.WORKER_COMMIT_INTERVAL)).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void rejectsOutOfRangeValueNamingKeyAndValue() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  worker:\n    concurrency: 0\n", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("runex.worker.concurrency must be >= 1, was 0");
  }

  @Test
  void rejectsUnknownKeysInsteadOfIgnoringTypos() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml("runex:\n  worker:\n    concurency: 3\n", Map.of(), Map.of()))
        .hasMessageContaining("unknown setting runex.worker.concurency");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      timeot: 5s\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.jobTypes.x.timeot");
  }

  @Test
  void parsesJobTypeWithRetryPolicyAndKafkaPassThrough() {
    String yaml =
        """
        runex:
          kafka:
            producer:
              linger.ms: 5
            common:
              client.rack: r1
          jobTypes:
            resize:
              pool: images
              tenants: ["*"]
              params:
                width: {type: int, required: true}
                url: string
              maxPayloadBytes: 1024
              timeout: 10s
              maxTimeout: 1m
              retry: {maxAttempts: 5, initialInterval: 200ms, multiplier: 3, maxInterval: 5s}
        """;
    RunexConfig cfg = ConfigLoader.fromYaml(yaml, Map.of(), Map.of());

    JobTypeSpec t = cfg.jobType("resize");
    assertThat(t.pool()).isEqualTo("images");
    assertThat(t.allowsTenant("anyone")).isTrue();
    assertThat(t.params().get("width").type()).isEqualTo(ParamType.INT);
    assertThat(t.defaultTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.retry().maxAttempts()).isEqualTo(5);
    assertThat(t.retry().backoffAfter(1).toMillis()).isBetween(100L, 300L);
    assertThat(cfg.kafka().producer(Map.of()))
        .containsEntry("linger.ms", "5")
        .containsEntry("client.rack", "r1");
  }

  @Test
  void setOverridesReachRawKafkaClientSettingsToo() {
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            """
        runex:
          kafka:
            producer: {linger.ms: 5}
        """,
            Map.of(),
            Map.of(
                "runex.kafka.producer.linger.ms",
                "20",
                "runex.kafka.streams.num.standby.replicas",
                "1"));

    assertThat(cfg.kafka().producer(Map.of())).containsEntry("linger.ms", "20");
    assertThat(cfg.kafka().streams(Map.of())).containsEntry("num.standby.replicas", "1");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml("runex: {}", Map.of(), Map.of("runex.kafka.brokers.x", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.kafka.brokers");
    assertThatThrownBy(
            () -> ConfigLoader.fromYaml("runex: {}", Map.of(), Map.of("runex.kafka.producer", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.kafka.<client>.<kafka setting>");
  }

  @Test
  void rejectsDefaultTimeoutAboveMaximum() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      timeout: 10m\n      maxTimeout: 1m\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.jobTypes.x.timeout must be <= maxTimeout");
  }

  @Test
  void maxQueueTimeIsOptionalAndMustBePositive() {
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      maxQueueTime: 90s\n    y:\n      tenants: [a]\n",
            Map.of(),
            Map.of());

    assertThat(cfg.jobType("x").maxQueueTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(cfg.jobType("y").maxQueueTime()).isNull();
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      maxQueueTime: 0s\n",
                    Map.of(),
                    Map.of()))
        .hasMessage("runex.jobTypes.x.maxQueueTime must be > 0, was PT0S");
  }

  @Test
  void prioritiesDefaultToNormalAndLowAndHighMustBeGranted() {
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      priorities: [HIGH, normal]\n    y:\n      tenants: [a]\n",
            Map.of(),
            Map.of());

    assertThat(cfg.jobType("x").priorities())
        .containsExactlyInAnyOrder(JobPriority.HIGH, JobPriority.NORMAL);
    assertThat(cfg.jobType("y").allowsPriority(JobPriority.HIGH)).isFalse();
    assertThat(cfg.jobType("y").priorities())
        .containsExactlyInAnyOrder(JobPriority.NORMAL, JobPriority.LOW);
  }

  @Test
  void rejectsUnknownOrEmptyPrioritiesNamingKeyAndValue() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      priorities: [urgent]\n",
                    Map.of(),
                    Map.of()))
        .hasMessage("runex.jobTypes.x.priorities entries must be high, normal, low, was 'urgent'");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    "runex:\n  jobTypes:\n    x:\n      tenants: [a]\n      priorities: []\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.jobTypes.x.priorities must list at least one");
  }

  @Test
  void parsesSchedulesWithTheirJobTemplate() {
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            """
        runex:
          jobTypes:
            report: {tenants: [demo]}
          schedules:
            nightly:
              cron: "0 */5 * * * *"
              zone: Europe/Paris
              overlap: buffer
              catchUp: all
              job:
                type: report
                tenant: demo
                params: {depth: 3, ratio: 0.5, full: true, name: x, nested: {a: 1}}
                labels: {team: ops}
                timeout: 1m
            minimal:
              cron: "0 2 * * *"
              job: {type: report, tenant: demo}
        """,
            Map.of(),
            Map.of());

    ScheduleSpec nightly = cfg.schedules().get("nightly");
    assertThat(nightly.zone()).isEqualTo(java.time.ZoneId.of("Europe/Paris"));
    assertThat(nightly.overlap()).isEqualTo(dev.runex.schemas.ScheduleOverlap.BUFFER);
    assertThat(nightly.catchUp()).isEqualTo(dev.runex.schemas.ScheduleCatchUp.ALL);
    assertThat(nightly.job().params())
        .containsEntry("depth", 3L)
        .containsEntry("ratio", 0.5)
        .containsEntry("full", true)
        .containsEntry("name", "x")
        .containsEntry("nested", "{\"a\":1}");
    assertThat(nightly.job().labels()).containsEntry("team", "ops");
    assertThat(nightly.job().timeout()).isEqualTo(Duration.ofMinutes(1));
    ScheduleSpec minimal = cfg.schedules().get("minimal");
    assertThat(minimal.zone()).isEqualTo(java.time.ZoneId.of("UTC"));
    assertThat(minimal.overlap()).isEqualTo(dev.runex.schemas.ScheduleOverlap.SKIP);
    assertThat(minimal.catchUp()).isEqualTo(dev.runex.schemas.ScheduleCatchUp.LAST);
    assertThat(cfg.schedules().keySet()).containsExactly("nightly", "minimal");
  }

  @Test
  void rejectsBadSchedulesNamingKeyAndValue() {
    String types = "runex:\n  jobTypes:\n    report: {tenants: [demo]}\n  schedules:\n    s:\n";
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types + "      cron: '0 61 * * * *'\n      job: {type: report, tenant: demo}\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.schedules.s.cron is not a cron expression: minute field")
        .hasMessageContaining("was '0 61 * * * *'");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types
                        + "      cron: '0 * * * *'\n      zone: Mars/Olympus\n"
                        + "      job: {type: report, tenant: demo}\n",
                    Map.of(),
                    Map.of()))
        .hasMessage(
            "runex.schedules.s.zone must be a time zone id like UTC or Europe/Paris, was 'Mars/Olympus'");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types + "      cron: '0 * * * *'\n      job: {type: nope, tenant: demo}\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.schedules.s.job.type must be a declared job type");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types + "      cron: '0 * * * *'\n      job: {type: report, tenant: acme}\n",
                    Map.of(),
                    Map.of()))
        .hasMessageContaining("runex.schedules.s.job.tenant must be allowed");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types
                        + "      cron: '0 * * * *'\n      overlap: queue\n"
                        + "      job: {type: report, tenant: demo}\n",
                    Map.of(),
                    Map.of()))
        .hasMessage("runex.schedules.s.overlap must be one of [skip, allow, buffer], was 'queue'");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromYaml(
                    types
                        + "      cron: '0 * * * *'\n      cronn: x\n"
                        + "      job: {type: report, tenant: demo}\n",
                    Map.of(),
                    Map.of()))
        .hasMessage("unknown setting runex.schedules.s.cronn");
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(Settings.WORKER_COMMIT_INTERVAL.envName()).isEqualTo("RUNEX_WORKER_COMMIT_INTERVAL");
    assertThat(Settings.BOOTSTRAP_SERVERS.envName()).isEqualTo("RUNEX_BOOTSTRAP_SERVERS");
  }
}
