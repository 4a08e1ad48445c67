package dev.runex.workers;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.control.ControlTableReader;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The compacted {@code control} topic as the workers see it, for a process that is not a worker (an
 * operator tool): the same table, filled by the same reader, on a consumer of its own. Read only:
 * commands are written to the topic, never through this.
 */
public final class ControlView implements AutoCloseable {
  private final ControlTable table = new ControlTable();
  private final ControlTableReader reader;

  /**
   * @param clientName names the reader's Kafka clients ({@code runex-control-<clientName>} follows
   *     the topic, {@code runex-control-ends-<clientName>} asks for its end offsets)
   */
  public ControlView(RunexConfig cfg, RunexTopics topics, String clientName) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            ControlTableReader.consumerConfig(cfg, clientName),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    KafkaConsumer<String, byte[]> ends =
        new KafkaConsumer<>(
            ControlTableReader.endsConsumerConfig(cfg, clientName),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.reader =
        new ControlTableReader(
            consumer,
            ends,
            topics.control().name(),
            topics.control().valueSerde().deserializer(),
            table);
  }

  /** Starts following the topic from its beginning, on a daemon thread. */
  public ControlView start() {
    reader.start();
    return this;
  }

  /**
   * Paused targets ({@code tenant:acme}, {@code pool:gpu}, ...) and the commands that paused them.
   */
  public Map<String, ControlCommand> paused() {
    return table.paused();
  }

  public boolean isPaused(String target) {
    return table.isPaused(target);
  }

  /** Whether the topic has been read to its end as of {@link #start()}. */
  public boolean isCaughtUp() {
    return table.isCaughtUp();
  }

  /** Grows with every command read. */
  public long version() {
    return table.version();
  }

  @Override
  public void close() {
    reader.close();
  }
}
