package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/** Prints results and dead letters as they are committed, and remembers results by job id. */
final class LiveFeed implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> results;
  private final KafkaConsumer<byte[], byte[]> deadLetters;
  private final RecordText text;
  private final Map<String, JsonNode> resultsById = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  private LiveFeed(RunexConfig cfg, RunexTopics topics) {
    this.results = Clients.reader(cfg, topics.results().name(), false);
    this.deadLetters = Clients.reader(cfg, topics.deadLetter().name(), false);
    this.text = new RecordText(topics.registry());
    this.thread = new Thread(this::loop, "runex-live-feed");
    thread.setDaemon(true);
  }

  static LiveFeed start(RunexConfig cfg, RunexTopics topics) {
    LiveFeed feed = new LiveFeed(cfg, topics);
    feed.thread.start();
    return feed;
  }

  JsonNode result(String id) {
    return resultsById.get(id);
  }

  private void loop() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
          JsonNode v = decoded(r);
          if (v == null) {
            continue;
          }
          resultsById.put(RecordText.key(r.key()), v);
          System.out.printf(
              "[result]      %-28s %-9s attempts=%s %s%n",
              RecordText.key(r.key()),
              v.path("status").asText(),
              v.path("attempts").asText(),
              detail(v));
        }
        for (ConsumerRecord<byte[], byte[]> r : deadLetters.poll(Duration.ofMillis(50))) {
          JsonNode v = decoded(r);
          if (v == null) {
            continue;
          }
          System.out.printf(
              "[dead letter] %-28s stage=%s reason=%s: %s%n",
              RecordText.key(r.key()),
              v.path("stage").asText(),
              v.path("reason").path("code").asText(),
              v.path("reason").path("message").asText());
        }
      }
    } catch (WakeupException | InterruptException e) {
      // closing
    } finally {
      results.close();
      deadLetters.close();
    }
  }

  private JsonNode decoded(ConsumerRecord<byte[], byte[]> r) {
    return readable(text, r, System.out);
  }

  /**
   * The record as JSON, or null (said on {@code out}) when it cannot be decoded now, e.g. while the
   * schema registry is away: the feed only shows records, it must not die of one.
   */
  static JsonNode readable(RecordText text, ConsumerRecord<byte[], byte[]> r, PrintStream out) {
    try {
      return text.toJson(r.value());
    } catch (RuntimeException e) {
      out.printf(
          "[unreadable]  %-28s %s-%d@%d: %s%n",
          RecordText.key(r.key()), r.topic(), r.partition(), r.offset(), e.getMessage());
      return null;
    }
  }

  private static String detail(JsonNode v) {
    if (v.hasNonNull("output")) {
      return "output=" + v.get("output").asText();
    }
    JsonNode err = v.path("error");
    return err.isObject()
        ? "error=" + err.path("code").asText() + ": " + err.path("message").asText()
        : "";
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    results.wakeup();
    deadLetters.wakeup();
    thread.join(5_000);
  }
}
