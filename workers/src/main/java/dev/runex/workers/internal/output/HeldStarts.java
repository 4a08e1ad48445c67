package dev.runex.workers.internal.output;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * STARTED events of the open transaction, kept back so that a job that ends before the commit
 * writes its STARTED and its end as ONE lifecycle record ({@link #take}); the others are written as
 * records of their own when the transaction commits ({@link #release}), as they would have been at
 * the start.
 *
 * <p>Threads: the poll loop holds and releases; a job's end is built on its attempt's thread, which
 * {@link #peek}s its STARTED, and taken in ({@link #take}) by whichever thread sends it — the
 * attempt's own, under the transaction's shared gate, or the poll loop. Release and discard run
 * under the exclusive gate, so they never overlap an attempt's take; one job has one attempt at a
 * time, so two takes of one job never overlap either.
 */
final class HeldStarts implements OutputTransaction.Deferred {
  private final Map<String, JobEvent> held = new ConcurrentHashMap<>();
  private final Function<JobEvent, ProducerRecord<byte[], byte[]>> toRecord;

  HeldStarts(Function<JobEvent, ProducerRecord<byte[], byte[]>> toRecord) {
    this.toRecord = toRecord;
  }

  void hold(JobEvent started) {
    // a second one is not expected (one attempt of a job runs at a time); keep both rather than
    // lose one
    held.merge(
        started.getJobId(), started, (earlier, later) -> Lifecycle.merge(List.of(earlier, later)));
  }

  /** The STARTED of job {@code jobId} held now, or null; leaves it held. */
  JobEvent peek(String jobId) {
    return held.get(jobId);
  }

  /** Takes the STARTED of job {@code jobId} out (null: none held): its end's record carries it. */
  JobEvent take(String jobId) {
    return held.remove(jobId);
  }

  /**
   * {@code end} (a job's transitions at the end of an attempt, in order) with {@code started}
   * before them when not null.
   */
  static List<JobEvent> withStart(JobEvent started, List<JobEvent> end) {
    if (started == null) {
      return end;
    }
    List<JobEvent> all = new ArrayList<>(end.size() + 1);
    all.addAll(Lifecycle.transitions(started));
    all.addAll(end);
    return all;
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
