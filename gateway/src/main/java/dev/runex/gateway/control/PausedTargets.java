package dev.runex.gateway.control;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.control.ControlTable;
import dev.runex.workers.control.ControlTableReader;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What is paused right now, as the workers see it: the same {@link ControlTable} the workers keep,
 * filled by the same reader from the compacted {@code control} topic.
 */
public final class PausedTargets implements AutoCloseable {
  private final ControlTable table = new ControlTable();
  private final ControlTableReader reader;

  public PausedTargets(RunexConfig cfg, RunexTopics topics) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            ControlTableReader.consumerConfig(cfg, "gateway"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.reader =
        new ControlTableReader(
            consumer, topics.control().name(), topics.control().valueSerde().deserializer(), table);
  }

  public PausedTargets start() {
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

  public boolean isCaughtUp() {
    return table.isCaughtUp();
  }

  /**
   * Waits until a command written before now is visible (for the console's redirect after a pause).
   */
  public boolean awaitVersionAbove(long version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (table.version() <= version && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return table.version() > version;
  }

  public long version() {
    return table.version();
  }

  @Override
  public void close() {
    reader.close();
  }
}
