package dev.runex.topology.queueing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.topology.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delay index's per pool × priority counts (what the backlog meters publish) follow its store:
 * up on a delayed put, down on release and on cancel; due-now jobs never count.
 */
class DelayedBacklogTopologyTest {
  private static final Duration PUNCTUATE = Duration.ofMillis(200);
  private static final PoolPriority GPU = new PoolPriority("gpu", JobPriority.NORMAL);
  private static final PoolPriority GPU_LOW = new PoolPriority("gpu", JobPriority.LOW);

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Job> validated;
  private TestInputTopic<String, ControlCommand> control;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    validated = h.input(h.topics.validated());
    control = h.input(h.topics.control());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void delayedJobsCountPerPoolAndPriorityAndDueNowJobsDoNot() {
    // when
    pipe(job("now", "gpu", null, h.now()));
    pipe(job("in-10s", "gpu", null, h.now() + 10_000));
    pipe(job("in-30s", "gpu", null, h.now() + 30_000));
    pipe(job("low-in-5s", "gpu", JobPriority.LOW, h.now() + 5_000));

    // then
    assertThat(h.delayed.delayed(GPU)).isEqualTo(2);
    assertThat(h.delayed.nextDueMillis(GPU)).hasValue(h.now() + 10_000);
    assertThat(h.delayed.delayed(GPU_LOW)).isEqualTo(1);
    assertThat(h.delayed.nextDueMillis(GPU_LOW)).hasValue(h.now() + 5_000);
  }

  @Test
  void releasedJobsLeaveTheCountsAndTheNextDueTimeMovesOn() {
    // given
    long start = h.now();
    pipe(job("in-10s", "gpu", null, start + 10_000));
    pipe(job("in-30s", "gpu", null, start + 30_000));

    // when
    h.advance(Duration.ofMillis(10_000));
    h.advance(PUNCTUATE);

    // then
    assertThat(h.delayed.delayed(GPU)).isEqualTo(1);
    assertThat(h.delayed.nextDueMillis(GPU)).hasValue(start + 30_000);

    // when
    h.advance(Duration.ofSeconds(21));

    // then
    assertThat(h.delayed.delayed(GPU)).isZero();
    assertThat(h.delayed.nextDueMillis(GPU)).isEmpty();
  }

  @Test
  void cancelledJobsLeaveTheCounts() {
    // given
    pipe(job("doomed", "gpu", null, h.now() + 60_000));
    pipe(job("kept", "gpu", null, h.now() + 90_000));

    // when
    String target = ControlTargets.job("doomed");
    control.pipeInput(
        target,
        ControlTargets.command(
            target, ControlAction.CANCEL, "ops", "not needed", Instant.ofEpochMilli(h.now())));
    h.advance(PUNCTUATE);

    // then
    assertThat(h.delayed.delayed(GPU)).isEqualTo(1);
    assertThat(h.delayed.nextDueMillis(GPU)).hasValue(h.now() - PUNCTUATE.toMillis() + 90_000);
  }

  private void pipe(Job job) {
    validated.pipeInput(job.getId(), job);
  }

  private static Job job(String id, String pool, JobPriority priority, long dueAt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool(pool)
        .setPriority(priority)
        .setParams(Map.of("message", "hi"))
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(dueAt - 60_000))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}
