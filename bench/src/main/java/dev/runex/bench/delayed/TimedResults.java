package dev.runex.bench.delayed;

import dev.runex.bench.measure.ResultReader;
import dev.runex.schemas.JobResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * runex's results as a downstream user reads them ({@link ResultReader}: read_committed, no group),
 * decoded, each with the wall-clock time (epoch ms, comparable with due times) at which the poll
 * that returned it ended.
 */
final class TimedResults implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimedResults.class);

  /** A decoded result and when it became visible, epoch ms. */
  record Seen(JobResult result, long visibleMs) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final ResultReader reader;

  TimedResults(String bootstrapServers, String topic, Function<byte[], JobResult> decode) {
    // The reader stamps System.nanoTime(); one pair of clock readings maps it to wall time.
    long wallMs = System.currentTimeMillis();
    long nanos = System.nanoTime();
    this.reader =
        new ResultReader(
                bootstrapServers,
                topic,
                (id, value, readNanos) -> {
                  if (id != null && value != null) {
                    long visible = wallMs + (readNanos - nanos) / 1_000_000;
                    seen.put(id, new Seen(decode.apply(value), visible));
                  }
                })
            .start();
  }

  Seen get(String id) {
    return seen.get(id);
  }

  /** The ids seen so far that start with {@code prefix}, in no particular order. */
  List<String> idsStartingWith(String prefix) {
    return seen.keySet().stream().filter(id -> id.startsWith(prefix)).toList();
  }

  /** Waits until every one of {@code ids} has a result; false when {@code atMost} ran out first. */
  boolean awaitAll(List<String> ids, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    int from = 0;
    while (from < ids.size()) {
      if (seen.containsKey(ids.get(from))) {
        from++;
      } else if (System.nanoTime() > deadline) {
        log.warn(
            "{} of {} results seen when the wait ended",
            ids.stream().filter(seen::containsKey).count(),
            ids.size());
        return false;
      } else {
        Thread.sleep(100);
      }
    }
    return true;
  }

  @Override
  public void close() {
    reader.close();
  }
}
