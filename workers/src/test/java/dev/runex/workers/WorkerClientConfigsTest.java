package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerClientConfigsTest {

  @Test
  void consumerReadsCommittedWithoutAutoCommitInThePoolsGroup() {
    RunexConfig cfg =
        settings(Map.of("runex.worker.pool", "gpu", "runex.worker.sessionTimeout", "12s"));
    WorkerSettings s = WorkerSettings.from(cfg);

    Map<String, Object> consumer = WorkerClientConfigs.consumer(cfg, s);

    assertThat(consumer)
        .containsEntry("group.id", "runex.worker.gpu")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("session.timeout.ms", 12_000)
        .containsEntry("auto.offset.reset", "earliest")
        .doesNotContainKey("group.instance.id");
  }

  @Test
  void theBrokerHoldsAnEmptyFetchNoLongerThanTheCommitIntervalAndAt100MsAtMost() {
    RunexConfig quick = settings(Map.of("runex.worker.commitInterval", "30ms"));
    RunexConfig slow = settings(Map.of("runex.worker.commitInterval", "1s"));

    assertThat(WorkerClientConfigs.consumer(quick, WorkerSettings.from(quick)))
        .containsEntry("fetch.max.wait.ms", 30);
    assertThat(WorkerClientConfigs.consumer(slow, WorkerSettings.from(slow)))
        .containsEntry("fetch.max.wait.ms", 100);
  }

  @Test
  void explicitWorkerIdIsTheStaticGroupInstanceIdAndTransactionalIdSuffix() {
    RunexConfig cfg = settings(Map.of("runex.worker.id", "worker-a"));
    WorkerSettings s = WorkerSettings.from(cfg);

    assertThat(s.staticMembership()).isTrue();
    assertThat(WorkerClientConfigs.consumer(cfg, s)).containsEntry("group.instance.id", "worker-a");
    assertThat(WorkerClientConfigs.producer(cfg, s))
        .containsEntry("transactional.id", "runex.worker.default.worker-a")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all")
        .containsEntry("transaction.timeout.ms", 15_000);
  }

  @Test
  void theProducerAsksAgainSoonAfterABusyTransactionUnlessConfiguredOtherwise() {
    RunexConfig defaults = settings(Map.of());
    RunexConfig chosen = yaml("runex:\n  kafka:\n    producer:\n      retry.backoff.ms: 250\n");

    assertThat(WorkerClientConfigs.producer(defaults, WorkerSettings.from(defaults)))
        .containsEntry("retry.backoff.ms", 10);
    assertThat(WorkerClientConfigs.producer(chosen, WorkerSettings.from(chosen)))
        .containsEntry("retry.backoff.ms", "250");
  }

  @Test
  void passThroughSettingsApplyButCannotWeakenExactlyOnce() {
    RunexConfig cfg =
        yaml(
            """
        runex:
          kafka:
            consumer:
              isolation.level: read_uncommitted
              max.poll.records: 50
            producer:
              linger.ms: 20
              enable.idempotence: false
        """);
    WorkerSettings s = WorkerSettings.from(cfg);

    assertThat(WorkerClientConfigs.consumer(cfg, s))
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("max.poll.records", "50");
    assertThat(WorkerClientConfigs.producer(cfg, s))
        .containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "20");
  }

  @Test
  void newConsumerProtocolLeavesTheSessionTimeoutToTheBroker() {
    RunexConfig cfg =
        yaml(
            """
        runex:
          kafka:
            consumer:
              group.protocol: consumer
        """);

    assertThat(WorkerClientConfigs.consumer(cfg, WorkerSettings.from(cfg)))
        .doesNotContainKey("session.timeout.ms")
        .containsEntry("group.remote.assignor", "range");
  }

  @Test
  void anAssignorChosenForTheNewProtocolIsKept() {
    RunexConfig cfg =
        yaml(
            """
        runex:
          kafka:
            consumer:
              group.protocol: consumer
              group.remote.assignor: uniform
        """);

    assertThat(WorkerClientConfigs.consumer(cfg, WorkerSettings.from(cfg)))
        .containsEntry("group.remote.assignor", "uniform");
  }

  @Test
  void defaultWorkerIdIsHostAndPidAndNotStatic() {
    WorkerSettings s = WorkerSettings.from(settings(Map.of()));

    assertThat(s.workerId()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(s.staticMembership()).isFalse();
    assertThat(s.transactionalId()).isEqualTo("runex.worker.default." + s.workerId());
  }

  @Test
  void capsTheUncommittedWindowAtWhatTheMetadataCanCarry() {
    WorkerSettings s =
        WorkerSettings.from(settings(Map.of("runex.worker.maxUncommittedOffsets", "100000")));

    assertThat(s.maxUncommitted()).isEqualTo(WorkerSettings.MAX_UNCOMMITTED_CAP);
  }

  private static RunexConfig settings(Map<String, String> overrides) {
    return ConfigLoader.load(null, Map.of(), overrides);
  }

  private static RunexConfig yaml(String text) {
    return ConfigLoader.fromYaml(text, Map.of(), Map.of());
  }
}
