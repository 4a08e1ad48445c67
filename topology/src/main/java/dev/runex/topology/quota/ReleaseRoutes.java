package dev.runex.topology.quota;

import dev.runex.config.Quotas;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways a quota slot comes back to the {@link QuotaGate}, each turned into a
 * {@link ReleaseNotice} on {@code admission-releases} keyed by tenant: a final result of a job the
 * gate admitted ({@link Results}, reading {@code results}) and a retry of one ({@link Retries},
 * reading {@code retry}: the attempt that produced it has finished). Admitted jobs are told by the
 * gate's label ({@link QuotaGate#ADMITTED_LABEL}), which results and retries keep, so slots come
 * back even after the quotas changed. With no quotas at all nothing is handed back (and results are
 * not decoded); the gate then starts its counts from zero.
 */
public final class ReleaseRoutes {
  private static final Logger log = LoggerFactory.getLogger(ReleaseRoutes.class);

  private ReleaseRoutes() {}

  /** {@code results} (raw bytes, key job id) → final-result notices for gated jobs. */
  public static final class Results implements Processor<String, byte[], String, String> {
    public static final String NAME = "quota-result-release-route";
    public static final String TO_RELEASES = "quota-result-release-sink";

    private final Quotas quotas;
    private final Deserializer<JobResult> results;
    private final String topic;
    private ProcessorContext<String, String> context;

    public Results(Quotas quotas, Deserializer<JobResult> results, String topic) {
      this.quotas = quotas;
      this.results = results;
      this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
      // No quotas, nothing to hand back: skip decoding every result.
      if (record.value() == null || quotas.isEmpty()) {
        return;
      }
      JobResult result;
      try {
        result = results.deserialize(topic, record.value());
      } catch (RuntimeException e) {
        log.debug("Passing over an unreadable record on {}: {}", topic, e.getMessage());
        return;
      }
      if (result.getTenant() != null && QuotaGate.admitted(result.getLabels())) {
        context.forward(new Record<>(result.getTenant(), ReleaseNotice.finished(result.getId()).encode(),
            record.timestamp()), TO_RELEASES);
      }
    }
  }

  /** {@code retry} (key job id, {@code Job}) → notices for gated jobs' finished attempts. */
  public static final class Retries implements Processor<String, Job, String, String> {
    public static final String NAME = "quota-retry-release-route";
    public static final String TO_RELEASES = "quota-retry-release-sink";

    private final Quotas quotas;
    private ProcessorContext<String, String> context;

    public Retries(Quotas quotas) {
      this.quotas = quotas;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, Job> record) {
      Job retry = record.value();
      if (retry != null && !quotas.isEmpty() && QuotaGate.admitted(retry.getLabels())) {
        context.forward(new Record<>(retry.getTenant(), ReleaseNotice.retried(retry).encode(), record.timestamp()),
            TO_RELEASES);
      }
    }
  }
}
