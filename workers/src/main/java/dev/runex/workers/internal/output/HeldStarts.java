package dev.runex.workers.internal.output;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * STARTED events of the open transaction, kept back so that a job that ends before the commit
 * writes its STARTED and its end as ONE lifecycle record ({@link #withStart}); the others are
 * written as records of their own when the transaction commits ({@link #release}), as they would
 * have been at the start. Poll-loop thread only, like the transaction.
 */
final class HeldStarts implements OutputTransaction.Deferred {
  private final Map<String, JobEvent> held = new LinkedHashMap<>();
  private final Function<JobEvent, ProducerRecord<byte[], byte[]>> toRecord;

  HeldStarts(Function<JobEvent, ProducerRecord<byte[], byte[]>> toRecord) {
    this.toRecord = toRecord;
  }

  void hold(JobEvent started) {
    JobEvent earlier = held.put(started.getJobId(), started);
    if (earlier != null) {
      // not expected (one attempt of a job runs at a time); keep both rather than lose one
      held.put(started.getJobId(), Lifecycle.merge(List.of(earlier, started)));
    }
  }

  /**
   * {@code end} (a job's transitions at the end of an attempt, in order) with the job's STARTED of
   * this transaction before them, if there is one, which is then no longer held.
   */
  List<JobEvent> withStart(List<JobEvent> end) {
    JobEvent started = held.remove(end.get(0).getJobId());
    if (started == null) {
      return end;
    }
    List<JobEvent> all = new ArrayList<>(end.size() + 1);
    all.addAll(Lifecycle.transitions(started));
    all.addAll(end);
    return all;
  }

  int size() {
    return held.size();
  }

  @Override
  public List<ProducerRecord<byte[], byte[]>> release() {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(held.size());
    held.values().forEach(e -> records.add(toRecord.apply(e)));
    held.clear();
    return records;
  }

  @Override
  public void discard() {
    held.clear();
  }
}
