package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runex results}: follows the results topic (or the events topic) and prints one JSON line
 * per result, or with {@code --events} one per lifecycle transition: a record that carries several
 * transitions a stage committed together is printed as those transitions, in order ({@link
 * Lifecycle#transitions}), each without the record's {@code earlier} and {@code later}.
 */
@Command(
    name = "results",
    mixinStandardHelpOptions = true,
    description = "Follow job results (read_committed), one JSON object per line. Ctrl-C to stop.")
public final class ResultsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest retained result instead of new ones.")
  boolean fromBeginning;

  @Option(names = "--id", description = "Only this job id.")
  String id;

  @Option(
      names = "--events",
      description = "Follow lifecycle events instead of results, one line per transition.")
  boolean events;

  @Option(names = "--limit", description = "Stop after this many lines (default: follow forever).")
  int limit = -1;

  @Override
  public Integer call() {
    RunexConfig cfg = config.load();
    RunexTopics topics = cfg.topics();
    RecordText text = new RecordText(topics.registry());
    String topic = events ? topics.events().name() : topics.results().name();
    Deserializer<JobEvent> lifecycle = topics.events().valueSerde().deserializer();
    int printed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = Clients.reader(cfg, topic, fromBeginning)) {
      while (limit < 0 || printed < limit) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (id != null && !id.equals(RecordText.key(r.key()))) {
            continue;
          }
          for (JsonNode line : events ? lines(lifecycle, topic, text, r) : lineOf(text, r)) {
            if (limit >= 0 && printed >= limit) {
              break;
            }
            System.out.println(line.toString());
            printed++;
          }
          System.out.flush();
          if (limit >= 0 && printed >= limit) {
            break;
          }
        }
      }
    }
    return 0;
  }

  private static List<JsonNode> lineOf(RecordText text, ConsumerRecord<byte[], byte[]> r) {
    return List.of(text.toJson(r.value()));
  }

  /** A lifecycle record's transitions; a record that is no {@code JobEvent} is shown as it is. */
  private static List<JsonNode> lines(
      Deserializer<JobEvent> lifecycle,
      String topic,
      RecordText text,
      ConsumerRecord<byte[], byte[]> r) {
    JobEvent record;
    try {
      record = lifecycle.deserialize(topic, r.value());
    } catch (RuntimeException e) {
      return lineOf(text, r);
    }
    return transitions(record);
  }

  /** One JSON object per transition of a lifecycle record (null stays one null line). */
  static List<JsonNode> transitions(JobEvent record) {
    if (record == null) {
      return List.of(NullNode.getInstance());
    }
    List<JsonNode> lines = new ArrayList<>();
    for (JobEvent e : Lifecycle.transitions(record)) {
      ObjectNode json = AvroJson.toJson(e);
      json.remove("earlier");
      json.remove("later");
      lines.add(json);
    }
    return lines;
  }
}
