package dev.runex.bench.delayed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each job of a delayed load falls due: {@code jobs} due times evenly spaced over {@code
 * windowMs} from {@code firstDueMs}, in a shuffled order (fixed seed), so the jobs are submitted in
 * an order that is not their due order and the delay index has to sort them.
 */
public final class DuePlan {
  private DuePlan() {}

  /** Epoch-millisecond due times, one per job, in submission order. */
  public static List<Long> of(long firstDueMs, long windowMs, int jobs, long seed) {
    if (jobs < 1 || windowMs < 1) {
      throw new IllegalArgumentException(
          "need at least one job and a window of 1 ms, got " + jobs + " jobs, " + windowMs + " ms");
    }
    List<Long> due = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      due.add(firstDueMs + i * windowMs / jobs);
    }
    Collections.shuffle(due, new Random(seed));
    return due;
  }
}
