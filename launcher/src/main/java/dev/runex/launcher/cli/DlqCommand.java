package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.deadletter.DeadLetterEntry;
import dev.runex.gateway.deadletter.DeadLetterReader;
import dev.runex.gateway.deadletter.DeadLetterReplay;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  static List<DeadLetterEntry> readAll(RunexConfig cfg, RunexTopics topics) {
    return DeadLetterReader.readAll(cfg, topics);
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
      List<DeadLetterEntry> all = readAll(cfg, topics(cfg));
      System.out.printf(
          "%-10s %-38s %-10s %-20s %s%n", "PART:OFF", "KEY / JOB ID", "STAGE", "REASON", "MESSAGE");
      for (DeadLetterEntry e : all) {
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
      List<DeadLetterEntry> found =
          readAll(cfg, topics(cfg)).stream().filter(e -> e.matches(ref)).toList();
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
      List<DeadLetterEntry> chosen =
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
        for (DeadLetterEntry e : chosen) {
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
