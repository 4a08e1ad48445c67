package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes one {@link ControlCommand} to the compacted {@code control} topic, keyed by its target,
 * and waits for the broker's ack (acks=all): when it returns, the command is durable and topology
 * and workers will apply it.
 */
public final class ControlWriter {
  private ControlWriter() {}

  public static RecordMetadata send(
      RunexConfig cfg, String target, ControlAction action, String reason)
      throws ExecutionException, InterruptedException {
    RunexTopics topics = cfg.topics();
    Topic<String, ControlCommand> control = topics.control();
    ControlCommand command =
        ControlTargets.command(target, action, requestedBy(), reason, Instant.now());
    byte[] value = control.valueSerde().serializer().serialize(control.name(), command);
    try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cfg)) {
      return producer
          .send(
              new ProducerRecord<>(control.name(), target.getBytes(StandardCharsets.UTF_8), value))
          .get();
    }
  }

  /** user@host, for the audit trail. */
  /**
   * Sends the command and prints where it was written (the pause and resume commands' whole job).
   */
  static int sendAndReport(RunexConfig cfg, String target, ControlAction action, String reason)
      throws Exception {
    RecordMetadata md = send(cfg, target, action, reason);
    System.out.printf(
        "%s %s written to %s (partition %d, offset %d)%n",
        action.name().toLowerCase(java.util.Locale.ROOT),
        target,
        md.topic(),
        md.partition(),
        md.offset());
    return 0;
  }

  private static String requestedBy() {
    String user = System.getProperty("user.name", "unknown");
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? user : user + "@" + host;
  }
}
