package dev.runex.workers.internal.offsets;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The offsets of one partition between its commit point and what was fetched: which are still
 * unfinished, which already finished out of order. Jobs finish out of order (key-level
 * concurrency), so the committed offset is the lowest unfinished one and the finished offsets above
 * it travel in the commit metadata ({@link CompletedOffsetsCodec}).
 *
 * <p>Invariant: every offset below the last commit point is finished or is not a record
 * (transaction markers, aborted records). Not thread-safe: the poll loop owns it.
 */
public final class OffsetTracker {

  /** What to do with a fetched record. */
  public enum Admission {
    /** Not finished yet: run it. */
    RUN,
    /**
     * Its result was already committed (below the commit point, or in the commit metadata): skip
     * it.
     */
    ALREADY_FINISHED,
    /** Fetched twice without a rewind (should not happen): ignore the duplicate. */
    IN_PROGRESS
  }

  private final OffsetBits pending = new OffsetBits();
  private final OffsetBits finished = new OffsetBits();

  /** What the broker holds (null: nothing committed yet), so a rewind can return to it. */
  private OffsetAndMetadata lastCommitted;

  /** The last commit point, or the first fetched offset before any commit; -1 unknown. */
  private long committed;

  private long nextFetch;
  private boolean changed;

  private OffsetTracker(OffsetAndMetadata lastCommitted, long committed) {
    this.lastCommitted = lastCommitted;
    this.committed = committed;
    this.nextFetch = committed;
  }

  /** A partition with no committed offset: the first fetched offset becomes the starting point. */
  public static OffsetTracker fresh() {
    return new OffsetTracker(null, -1);
  }

  /**
   * A partition resumed from its committed offset and metadata.
   *
   * @throws IllegalArgumentException when the metadata was not written by runex
   */
  public static OffsetTracker restore(OffsetAndMetadata committed) {
    OffsetTracker t = new OffsetTracker(committed, committed.offset());
    for (long offset : CompletedOffsetsCodec.decode(committed.offset(), committed.metadata())) {
      t.finished.add(offset);
    }
    return t;
  }

  /** The state as of the last successful commit (what the broker holds), for a rewind. */
  public OffsetTracker rewound() {
    if (lastCommitted == null) {
      OffsetTracker t = fresh();
      if (committed >= 0) {
        t.committed = committed;
        t.nextFetch = committed;
      }
      return t;
    }
    return restore(lastCommitted);
  }

  /**
   * Where the consumer must seek to refetch everything not committed, or -1 if nothing was fetched
   * yet.
   */
  public long resumeOffset() {
    return lastCommitted != null ? lastCommitted.offset() : committed;
  }

  public Admission admit(long offset) {
    if (committed < 0) {
      committed = offset;
      nextFetch = offset;
    }
    nextFetch = Math.max(nextFetch, offset + 1);
    if (offset < committed || finished.contains(offset)) {
      return Admission.ALREADY_FINISHED;
    }
    if (!pending.add(offset)) {
      return Admission.IN_PROGRESS;
    }
    return Admission.RUN;
  }

  /**
   * The record at {@code offset} was admitted but will be fetched again (it could not be read yet):
   * it is neither pending nor fetched.
   */
  public void unadmit(long offset) {
    if (pending.remove(offset)) {
      nextFetch = Math.min(nextFetch, offset);
    }
  }

  /** The record at {@code offset} finished: its outputs are in the open transaction. */
  public void finish(long offset) {
    if (pending.remove(offset)) {
      finished.add(offset);
      changed = true;
    }
  }

  /**
   * The consumer's position: offsets between the last fetched record and it are not records
   * (transaction markers), so the commit point may move past them once nothing is pending.
   */
  public void observePosition(long position) {
    if (committed >= 0 && position > nextFetch) {
      nextFetch = position;
      changed = true;
    }
  }

  /** The lowest offset not known to be finished; -1 when nothing was fetched or committed yet. */
  public long commitPoint() {
    if (committed < 0) {
      return -1;
    }
    if (!pending.isEmpty()) {
      return pending.first();
    }
    long point = Math.max(nextFetch, committed);
    // finished offsets restored from metadata may lie just above: they need no refetch
    while (finished.contains(point)) {
      point++;
    }
    return point;
  }

  /** The commit for this partition, or null when there is nothing new to commit. */
  public OffsetAndMetadata toCommit() {
    return changed ? current() : null;
  }

  private OffsetAndMetadata current() {
    long point = commitPoint();
    return point < 0
        ? null
        : new OffsetAndMetadata(point, CompletedOffsetsCodec.encode(point, finished.toArray()));
  }

  /**
   * {@code commit} (from {@link #toCommit()}) is durable: forget what lies below it. What finished
   * since it was taken (the commit may complete on a thread of its own meanwhile) is still to
   * commit.
   */
  public void committed(OffsetAndMetadata commit) {
    lastCommitted = commit;
    committed = commit.offset();
    nextFetch = Math.max(nextFetch, committed);
    finished.removeBelow(committed);
    changed = changed && !commit.equals(current());
  }

  /** How far fetching ran ahead of the commit point (offsets, not records). */
  public long span() {
    long point = commitPoint();
    return point < 0 ? 0 : Math.max(0, nextFetch - point);
  }

  public int pendingCount() {
    return pending.size();
  }

  @Override
  public String toString() {
    return "OffsetTracker{commitPoint="
        + commitPoint()
        + ", pending="
        + pending.size()
        + ", finishedAbove="
        + finished.size()
        + ", nextFetch="
        + nextFetch
        + '}';
  }
}
