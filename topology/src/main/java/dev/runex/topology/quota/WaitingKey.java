package dev.runex.topology.quota;

import dev.runex.schemas.JobPriority;
import java.util.Comparator;

/**
 * Where a job waits in the quota gate's store: its tenant and type's queue for its priority rank,
 * at its arrival sequence number (the input offset). Encoded as {@code tenant␀type␀rank␀seq} with
 * the sequence zero-padded to 20 digits, so the store's byte order is the queue order: higher
 * priorities first (rank 0), then arrival.
 */
record WaitingKey(Queue queue, long seq) {
  /** Priority ranks, highest first. */
  static final int RANKS = 3;

  private static final char SEP = '\u0000';

  /** Above every 20-digit sequence number: the inclusive end of one queue's key range. */
  private static final String SEQ_END = "~";

  /** Queue order across a tenant's types: rank first, then arrival. */
  static final Comparator<WaitingKey> ORDER =
      Comparator.comparingInt((WaitingKey k) -> k.queue().rank())
          .thenComparingLong(WaitingKey::seq);

  /** One tenant's queue of one job type at one priority rank. */
  record Queue(String tenant, String type, int rank) {
    /** The encoded keys of this queue all start with this. */
    String prefix() {
      return tenant + SEP + type + SEP + rank + SEP;
    }

    /** At or above every encoded key of this queue (an inclusive range end). */
    String end() {
      return prefix() + SEQ_END;
    }
  }

  WaitingKey(String tenant, String type, int rank, long seq) {
    this(new Queue(tenant, type, rank), seq);
  }

  /** Priority rank: 0 (high) first. */
  static int rank(JobPriority priority) {
    return priority == JobPriority.HIGH ? 0 : priority == JobPriority.LOW ? 2 : 1;
  }

  String tenant() {
    return queue.tenant();
  }

  String type() {
    return queue.type();
  }

  int rank() {
    return queue.rank();
  }

  String encode() {
    return queue.prefix() + String.format("%020d", seq);
  }

  static WaitingKey decode(String text) {
    String[] parts = text.split(String.valueOf(SEP), 4);
    if (parts.length != 4) {
      throw new IllegalStateException("malformed quota gate entry: " + text.replace(SEP, '|'));
    }
    return new WaitingKey(parts[0], parts[1], Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
  }
}
