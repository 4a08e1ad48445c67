package dev.runex.bench.delayed;

import dev.runex.bench.measure.ResultReader;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The jobs that waited in runex's delay index: those with a DELAYED lifecycle event on the events
 * topic. A delayed job without one reached the index already due — the intake and validation stages
 * were behind — so its lateness is theirs, not the delay index's.
 */
final class DelayedEntries implements AutoCloseable {
  private final Set<String> delayed = ConcurrentHashMap.newKeySet();
  private final ResultReader reader;

  DelayedEntries(String bootstrapServers, String eventsTopic, Function<byte[], JobEvent> decode) {
    this.reader =
        new ResultReader(
                bootstrapServers,
                eventsTopic,
                (id, value, readNanos) -> {
                  if (id != null
                      && value != null
                      && Lifecycle.transitions(decode.apply(value)).stream()
                          .anyMatch(e -> e.getKind() == JobEventKind.DELAYED)) {
                    delayed.add(id);
                  }
                })
            .start();
  }

  /** How many of {@code ids} waited in the delay index (as far as the events read so far say). */
  int countOf(Collection<String> ids) {
    return (int) ids.stream().filter(delayed::contains).count();
  }

  /** Whether job {@code id} waited in the delay index. */
  boolean waited(String id) {
    return delayed.contains(id);
  }

  @Override
  public void close() {
    reader.close();
  }
}
