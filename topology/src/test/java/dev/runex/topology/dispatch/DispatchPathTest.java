package dev.runex.topology.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import dev.runex.topology.quota.QuotaRoute;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The processors of the path to the pools forward to the node names their sub-topology gives them,
 * not to names they know themselves: the same classes serve the queueing and the quota path.
 */
class DispatchPathTest {
  private static final long NOW = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final DispatchNames NAMES =
      new DispatchNames("my-expiry", "my-dispatch", "my-scheduled", "my-events", "my-results");

  private final RunexConfig cfg =
      TestConfigs.withYaml(
          """
            quotas:
              tenants:
                acme: {maxInFlight: 1}
          """);
  private final RunexTopics topics = TestConfigs.topics(cfg);
  private final StageCounters counters = new StageCounters(new SimpleMeterRegistry());

  @Test
  void expiryCheckSendsAJobThatMayStartToTheDispatchItIsGiven() {
    // given
    var context = context(new ExpiryGate(cfg, counters, "test", NAMES));

    // when
    context.processor.process(record(job("j1", "demo", NOW + 60_000)));

    // then
    assertThat(children(context.mock.forwarded())).containsExactly("my-dispatch");
  }

  @Test
  void expiryCheckSendsTheExpiredResultAndEventToTheSinksItIsGiven() {
    // given: a report job (maxQueueTime 1m) due two minutes ago
    var context = context(new ExpiryGate(cfg, counters, "test", NAMES));
    Job stale = Job.newBuilder(job("j1", "demo", NOW - 120_000)).setType("report").build();

    // when
    context.processor.process(record(stale));

    // then
    var out = context.mock.forwarded();
    assertThat(children(out)).containsExactly("my-results", "my-events");
    assertThat(out.get(0).record().value()).isInstanceOf(JobResult.class);
    assertThat(((JobEvent) out.get(1).record().value()).getKind()).isEqualTo(JobEventKind.EXPIRED);
  }

  @Test
  void poolDispatcherWritesToTheScheduledAndEventSinksItIsGiven() {
    // given
    var context =
        context(new PoolDispatcher(new PoolTopicExtractor(topics), counters, "test", NAMES));

    // when
    context.processor.process(record(job("j1", "demo", NOW)));

    // then
    assertThat(children(context.mock.forwarded())).containsExactly("my-scheduled", "my-events");
  }

  @Test
  void quotaRouteSendsGatedTenantsToAdmissionAndTheRestToTheExpiryCheck() {
    // given
    MockProcessorContext<String, Job> mock = new MockProcessorContext<>();
    QuotaRoute route = new QuotaRoute(cfg.quotas(), "my-admission", "my-expiry");
    route.init(mock);

    // when
    route.process(record(job("gated", "acme", NOW)));
    route.process(record(job("free", "demo", NOW)));

    // then: the gated job is re-keyed by its tenant
    assertThat(children(mock.forwarded())).containsExactly("my-admission", "my-expiry");
    assertThat(mock.forwarded().get(0).record().key()).isEqualTo("acme");
  }

  private record Driven<P>(P processor, MockProcessorContext<String, Object> mock) {}

  private static Driven<
          org.apache.kafka.streams.processor.api.Processor<String, Job, String, Object>>
      context(org.apache.kafka.streams.processor.api.Processor<String, Job, String, Object> p) {
    MockProcessorContext<String, Object> mock = new MockProcessorContext<>();
    mock.setCurrentSystemTimeMs(NOW);
    p.init(mock);
    return new Driven<>(p, mock);
  }

  private static List<String> children(List<? extends CapturedForward<?, ?>> forwarded) {
    return forwarded.stream().map(f -> f.childName().orElse("(all)")).toList();
  }

  private static Record<String, Job> record(Job job) {
    return new Record<>(job.getId(), job, NOW);
  }

  private static Job job(String id, String tenant, long dueAt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant(tenant)
        .setPool("default")
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(NOW))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}
