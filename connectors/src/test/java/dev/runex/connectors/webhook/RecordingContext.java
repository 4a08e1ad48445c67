package dev.runex.connectors.webhook;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The part of a worker's task context the webhook task uses: the errant-record reporter, here one
 * that keeps what it was given (or none, like a worker with errors.tolerance unset on old
 * versions). The real worker is exercised by the connector integration test.
 */
final class RecordingContext implements SinkTaskContext {
  record Reported(SinkRecord record, Throwable error) {}

  final List<Reported> reported = new CopyOnWriteArrayList<>();
  private final boolean withReporter;

  RecordingContext(boolean withReporter) {
    this.withReporter = withReporter;
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) {
      return null;
    }
    return (record, error) -> {
      reported.add(new Reported(record, error));
      return CompletableFuture.completedFuture(null);
    };
  }

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {}

  @Override
  public void offset(TopicPartition tp, long offset) {}

  @Override
  public void timeout(long timeoutMs) {}

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
