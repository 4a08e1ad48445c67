package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.launcher.deadletter.DeadLetterReplay;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runex dlq list|show|replay}: inspect and replay the dead-letter topic. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect and replay dead letters.",
    subcommands = {DlqCommand.ListCmd.class, DlqCommand.ShowCmd.class, DlqCommand.ReplayCmd.class})
public final class DlqCommand {

  /** One dead letter as read: coordinates, key and decoded value. */
  record Entry(int partition, long offset, byte[] key, JsonNode value) {
    String coordinates(String topic) {
      return topic + "/" + partition + "/" + offset;
    }

    boolean matches(String ref) {
      return ref.equals(partition + ":" + offset)
          || ref.equals(RecordText.key(key))
          || ref.equals(value.path("jobId").asText(null));
    }
  }

  /** Reads every dead letter currently in the topic (up to the end offsets at start). */
  static List<Entry> readAll(RunexConfig cfg, RunexTopics topics) {
    List<Entry> out = new ArrayList<>();
    RecordText text = new RecordText(topics.registry());
    try (KafkaConsumer<byte[], byte[]> c = Clients.reader(cfg, topics.deadLetter().name(), true)) {
      Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(new Entry(r.partition(), r.offset(), r.key(), text.toJson(r.value())));
        }
      }
    }
    return out;
  }

  static RunexTopics topics(RunexConfig cfg) {
    return cfg.topics();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "One line per dead letter.")
  static final class ListCmd implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      RunexConfig cfg = config.load();
      List<Entry> all = readAll(cfg, topics(cfg));
      System.out.printf(
          "%-10s %-38s %-10s %-20s %s%n", "PART:OFF", "KEY / JOB ID", "STAGE", "REASON", "MESSAGE");
      for (Entry e : all) {
        JsonNode v = e.value();
        System.out.printf(
            "%-10s %-38s %-10s %-20s %s%n",
            e.partition() + ":" + e.offset(),
            RecordText.key(e.key()),
            v.path("stage").asText(),
            v.path("reason").path("code").asText(),
            v.path("reason").path("message").asText());
      }
      System.out.println(all.size() + " dead letter(s)");
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print dead letters in full (by job id, key or partition:offset).")
  static final class ShowCmd implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "REF", description = "Job id, record key, or partition:offset.")
    String ref;

    @Override
    public Integer call() {
      RunexConfig cfg = config.load();
      List<Entry> found = readAll(cfg, topics(cfg)).stream().filter(e -> e.matches(ref)).toList();
      found.forEach(e -> System.out.println(e.value().toPrettyString()));
      if (found.isEmpty()) {
        System.err.println("no dead letter matches " + ref);
        return 1;
      }
      return 0;
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description =
          "Resubmit dead letters to intake (by job id, key or partition:offset, or --all).")
  static final class ReplayCmd implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(
        paramLabel = "REF",
        arity = "0..*",
        description = "Job id, record key, or partition:offset.")
    List<String> refs = new ArrayList<>();

    @Option(names = "--all", description = "Replay every dead letter in the topic.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      RunexConfig cfg = config.load();
      RunexTopics topics = topics(cfg);
      List<Entry> chosen =
          readAll(cfg, topics).stream()
              .filter(e -> all || refs.stream().anyMatch(e::matches))
              .toList();
      if (chosen.isEmpty()) {
        System.err.println(
            "nothing to replay"
                + (refs.isEmpty() && !all ? ": name dead letters or use --all" : ""));
        return 1;
      }
      try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cfg)) {
        for (Entry e : chosen) {
          String coords = e.coordinates(topics.deadLetter().name());
          DeadLetterReplay.IntakeRecord rec = DeadLetterReplay.toIntake(e.key(), e.value(), coords);
          producer.send(new ProducerRecord<>(topics.intake().name(), rec.key(), rec.value())).get();
          System.out.println("replayed " + coords + " as " + RecordText.key(rec.key()));
        }
      }
      return 0;
    }
  }
}
