package dev.runex.topology.status;

import dev.runex.schemas.JobStatusView;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the status stores of one partition: a job by id, or a page of jobs in job-id order after a
 * given id. A tenant filter walks that tenant's index range; otherwise every job of the partition
 * is read until the page is full. Kafka-Streams-agnostic: the stores come from interactive queries
 * in production and from the TopologyTestDriver in tests.
 */
public final class StatusReader {
  /** Appended to a key, gives the first key after it in byte order (U+0000 is one zero byte). */
  private static final String NEXT = "\u0000";

  private final ReadOnlyKeyValueStore<String, JobStatusView> store;
  private final ReadOnlyKeyValueStore<String, String> byTenant;

  public StatusReader(
      ReadOnlyKeyValueStore<String, JobStatusView> store,
      ReadOnlyKeyValueStore<String, String> byTenant) {
    this.store = store;
    this.byTenant = byTenant;
  }

  public JobStatusView get(String jobId) {
    return store.get(jobId);
  }

  /**
   * Up to {@code limit} matching jobs with ids after {@code afterId} (null: from the first), by id.
   */
  public List<JobStatusView> list(JobFilter filter, String afterId, int limit) {
    return filter.tenant() == null
        ? scanAll(filter, afterId, limit)
        : scanTenant(filter, afterId, limit);
  }

  private List<JobStatusView> scanAll(JobFilter filter, String afterId, int limit) {
    List<JobStatusView> out = new ArrayList<>();
    try (KeyValueIterator<String, JobStatusView> it =
        store.range(afterId == null ? null : afterId + NEXT, null)) {
      while (it.hasNext() && out.size() < limit) {
        JobStatusView v = it.next().value;
        if (v != null && filter.matches(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  private List<JobStatusView> scanTenant(JobFilter filter, String afterId, int limit) {
    String prefix = TenantIndexKey.prefix(filter.tenant());
    String from = afterId == null ? prefix : TenantIndexKey.of(filter.tenant(), afterId) + NEXT;
    // '0' follows '/' (the prefix's last character): every key of this tenant sorts below this
    // bound
    String to = prefix.substring(0, prefix.length() - 1) + '0';
    List<JobStatusView> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = byTenant.range(from, to)) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<String, String> entry = it.next();
        JobStatusView v = entry.key.startsWith(prefix) ? store.get(entry.value) : null;
        if (v != null && filter.matches(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }
}
