package dev.runex.gateway.control;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes one {@link ControlCommand} to the compacted {@code control} topic, keyed by its target,
 * and waits for the broker's ack (acks=all): when it returns, the command is durable and topology
 * and workers will apply it. The CLI ({@code runex cancel|pause|resume}) and the gateway both write
 * through it.
 */
public final class ControlWriter {
  private final Producer<byte[], byte[]> producer;
  private final Topic<String, ControlCommand> control;

  public ControlWriter(Producer<byte[], byte[]> producer, RunexTopics topics) {
    this.producer = producer;
    this.control = topics.control();
  }

  /** Writes {@code action} for {@code target}, stamped now, on behalf of {@code requestedBy}. */
  public RecordMetadata send(String target, ControlAction action, String requestedBy, String reason)
      throws ExecutionException, InterruptedException {
    ControlCommand command =
        ControlTargets.command(target, action, requestedBy, reason, Instant.now());
    byte[] value = control.valueSerde().serializer().serialize(control.name(), command);
    return producer
        .send(new ProducerRecord<>(control.name(), target.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  /** One command with a producer of its own, requested by this machine's user (the CLI's way). */
  public static RecordMetadata send(
      RunexConfig cfg, String target, ControlAction action, String reason)
      throws ExecutionException, InterruptedException {
    try (var producer = Clients.producer(cfg)) {
      return new ControlWriter(producer, cfg.topics()).send(target, action, localUser(), reason);
    }
  }

  /** user@host, for the audit trail. */
  public static String localUser() {
    String user = System.getProperty("user.name", "unknown");
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? user : user + "@" + host;
  }
}
