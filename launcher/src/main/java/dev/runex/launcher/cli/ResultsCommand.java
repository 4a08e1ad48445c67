package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runex results}: follows the results topic (or the events topic) and prints one JSON line
 * per record.
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

  @Option(names = "--events", description = "Follow lifecycle events instead of results.")
  boolean events;

  @Option(
      names = "--limit",
      description = "Stop after this many records (default: follow forever).")
  int limit = -1;

  @Override
  public Integer call() {
    RunexConfig cfg = config.load();
    RunexTopics topics = cfg.topics();
    RecordText text = new RecordText(topics.registry());
    String topic = events ? topics.events().name() : topics.results().name();
    int printed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = Clients.reader(cfg, topic, fromBeginning)) {
      while (limit < 0 || printed < limit) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (id != null && !id.equals(RecordText.key(r.key()))) {
            continue;
          }
          System.out.println(text.toJson(r.value()).toString());
          System.out.flush();
          if (limit >= 0 && ++printed >= limit) {
            break;
          }
        }
      }
    }
    return 0;
  }
}
