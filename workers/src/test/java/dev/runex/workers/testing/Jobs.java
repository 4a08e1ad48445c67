package dev.runex.workers.testing;

import dev.runex.schemas.Job;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Test jobs. */
public final class Jobs {
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Jobs() {}

  public static Job job(String id, String type, Map<String, Object> params) {
    return Job.newBuilder()
        .setId(id)
        .setType(type)
        .setTenant("demo")
        .setPool("default")
        .setParams(new HashMap<>(params))
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(T0)
        .setDueAt(T0)
        .build();
  }

  public static Job attempt(Job job, int attempt) {
    return Job.newBuilder(job).setAttempt(attempt).build();
  }
}
