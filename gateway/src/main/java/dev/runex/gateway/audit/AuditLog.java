package dev.runex.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.follow.TopicFollower;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.topics.RunexTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The operator audit trail on the {@code <prefix>audit} topic: one JSON object per action taken
 * through the gateway (dead-letter replays, pauses, resumes, cancels) saying who ({@code actor},
 * the key's name, and its tenant if it is a tenant key), when, what and how many. Written with
 * acks=all before the action's answer; followed from the beginning so the console lists the most
 * recent {@value #KEPT} records.
 *
 * <p>Record fields: {@code time}, {@code actor}, {@code tenant} (null for operator keys), {@code
 * action}, {@code target}, and action-specific details ({@code count}, {@code items}, ...).
 */
public final class AuditLog implements AutoCloseable {
  public static final int KEPT = 1000;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Deque<JsonNode> recent = new ArrayDeque<>();
  private final TopicFollower follower;

  public AuditLog(RunexConfig cfg, RunexTopics topics, Producer<byte[], byte[]> producer) {
    this.producer = producer;
    this.topic = topics.audit().name();
    this.follower =
        new TopicFollower(
            cfg, topic, new TopicFollower.Start.Beginning(), "audit", r -> keep(r.value()));
  }

  public AuditLog start() {
    follower.start();
    return this;
  }

  public TopicFollower follower() {
    return follower;
  }

  /**
   * A new record for {@code caller} doing {@code action} on {@code target}; add details, then
   * {@link #write}.
   */
  public static ObjectNode record(Caller caller, String action, String target) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("time", Instant.now().toString());
    n.put("actor", caller.keyName());
    n.put("tenant", caller.tenant().orElse(null));
    n.put("action", action);
    n.put("target", target);
    return n;
  }

  /** Writes one record and waits for the broker's ack. */
  public void write(ObjectNode record) throws InterruptedException {
    byte[] key = record.path("actor").asText().getBytes(StandardCharsets.UTF_8);
    byte[] value = record.toString().getBytes(StandardCharsets.UTF_8);
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the audit record to " + topic, e.getCause());
    }
  }

  /** The most recent records, newest first, that {@code caller} may see. */
  public List<JsonNode> recent(Caller caller, int limit) {
    List<JsonNode> out = new ArrayList<>();
    synchronized (recent) {
      for (JsonNode n : recent) {
        if (out.size() >= limit) {
          break;
        }
        if (caller.isOperator() || caller.tenant().get().equals(n.path("tenant").asText(null))) {
          out.add(n);
        }
      }
    }
    return out;
  }

  private void keep(byte[] value) {
    JsonNode n;
    try {
      n = AvroJson.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("audit record is not JSON", e);
    }
    synchronized (recent) {
      recent.addFirst(n);
      while (recent.size() > KEPT) {
        recent.removeLast();
      }
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
