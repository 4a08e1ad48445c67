package dev.runex.topology.queueing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DelayedJobCountsTest {
  private static final PoolPriority GPU_NORMAL = new PoolPriority("gpu", JobPriority.NORMAL);
  private static final PoolPriority GPU_HIGH = new PoolPriority("gpu", JobPriority.HIGH);
  private final DelayedJobCounts counts = new DelayedJobCounts();

  @Test
  void countsJobsPerPoolAndPriorityWithTheEarliestDueSecond() {
    // given
    counts.add(job("a", "gpu", null, 30_500));
    counts.add(job("b", "gpu", JobPriority.NORMAL, 10_250));
    counts.add(job("c", "gpu", JobPriority.HIGH, 5_000));

    // then: a null priority is normal; due times are kept to the second
    assertThat(counts.count(GPU_NORMAL)).isEqualTo(2);
    assertThat(counts.earliestDueMillis(GPU_NORMAL)).hasValue(10_000);
    assertThat(counts.count(GPU_HIGH)).isEqualTo(1);
    assertThat(counts.earliestDueMillis(GPU_HIGH)).hasValue(5_000);
    assertThat(counts.count(new PoolPriority("default", JobPriority.NORMAL))).isZero();
    assertThat(counts.total()).isEqualTo(3);
  }

  @Test
  void removingTheEarliestJobMovesTheNextDueTime() {
    // given
    Job first = job("a", "gpu", null, 10_000);
    Job sameSecond = job("b", "gpu", null, 10_900);
    counts.add(first);
    counts.add(sameSecond);
    counts.add(job("c", "gpu", null, 40_000));

    // when / then
    counts.remove(first);
    assertThat(counts.earliestDueMillis(GPU_NORMAL)).hasValue(10_000);
    counts.remove(sameSecond);
    assertThat(counts.earliestDueMillis(GPU_NORMAL)).hasValue(40_000);
    assertThat(counts.count(GPU_NORMAL)).isEqualTo(1);
  }

  @Test
  void lastJobGoneLeavesNothingAndUnknownJobsAreIgnored() {
    // given
    Job only = job("a", "gpu", null, 10_000);
    counts.add(only);

    // when: a job that was never added, in a known and an unknown second
    counts.remove(job("x", "gpu", null, 99_000));
    counts.remove(job("y", "other", null, 10_000));
    counts.remove(only);
    counts.remove(only);

    // then
    assertThat(counts.count(GPU_NORMAL)).isZero();
    assertThat(counts.earliestDueMillis(GPU_NORMAL)).isEqualTo(OptionalLong.empty());
    assertThat(counts.total()).isZero();
  }

  @Test
  void processTotalsSumTasksAndTakeTheEarliestOfThem() {
    // given: two tasks of one instance
    DelayedBacklogs backlogs = new DelayedBacklogs();
    DelayedJobCounts t0 = backlogs.start(new org.apache.kafka.streams.processor.TaskId(1, 0));
    DelayedJobCounts t1 = backlogs.start(new org.apache.kafka.streams.processor.TaskId(1, 1));
    t0.add(job("a", "gpu", null, 20_000));
    t1.add(job("b", "gpu", null, 8_000));
    t1.add(job("c", "gpu", null, 9_000));

    // then
    assertThat(backlogs.delayed(GPU_NORMAL)).isEqualTo(3);
    assertThat(backlogs.nextDueMillis(GPU_NORMAL)).hasValue(8_000);

    // when: a task moves away
    backlogs.stop(new org.apache.kafka.streams.processor.TaskId(1, 1), t1);

    // then
    assertThat(backlogs.delayed(GPU_NORMAL)).isEqualTo(1);
    assertThat(backlogs.nextDueMillis(GPU_NORMAL)).hasValue(20_000);
  }

  private static Job job(String id, String pool, JobPriority priority, long dueAt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool(pool)
        .setPriority(priority)
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(0))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}
