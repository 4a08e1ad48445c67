package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.lifecycle.TraceParents;
import dev.runex.schemas.topics.RunexTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runex submit}: writes one JSON job to the intake topic, optionally waiting for its result.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit a JSON job to the intake topic (key: job id) and print its id.",
    footer = {
      "",
      "Example: ./runex submit '{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}}' --wait"
    })
public final class SubmitCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(
      index = "0",
      paramLabel = "JOB",
      description = "The job as JSON, @file to read a file, or - for stdin.")
  String job;

  @Option(names = "--key", description = "Record key (default: the job's id, else a new UUID).")
  String key;

  @Option(
      names = "--traceparent",
      paramLabel = "TRACEPARENT",
      description =
          "W3C traceparent (00-<trace id>-<span id>-<flags>) to send as the record's header: the job's "
              + "attempts continue this trace.")
  String traceParent;

  @Option(
      names = "--wait",
      arity = "0..1",
      fallbackValue = "PT60S",
      paramLabel = "TIMEOUT",
      description = "Wait for the job's result and print it (default timeout PT60S).")
  Duration wait;

  @Override
  public Integer call() throws Exception {
    RunexConfig cfg = config.load();
    String text = read(job);
    JsonNode node;
    try {
      node = AvroJson.MAPPER.readTree(text);
    } catch (IOException e) {
      System.err.println("not valid JSON: " + e.getMessage());
      return 2;
    }
    String id = key;
    if (id == null && node instanceof ObjectNode obj && obj.hasNonNull("id")) {
      id = obj.get("id").asText();
    }
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    if (traceParent != null && TraceParents.parse(traceParent) == null) {
      System.err.println("not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>): " + traceParent);
      return 2;
    }
    RunexTopics topics = cfg.topics();
    KafkaConsumer<byte[], byte[]> results =
        wait == null ? null : Clients.reader(cfg, topics.results().name(), false);
    try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cfg)) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topics.intake().name(),
              id.getBytes(StandardCharsets.UTF_8),
              text.getBytes(StandardCharsets.UTF_8));
      if (traceParent != null) {
        record
            .headers()
            .add(TraceParents.HEADER, traceParent.trim().getBytes(StandardCharsets.UTF_8));
      }
      RecordMetadata md = producer.send(record).get();
      System.out.printf(
          "submitted %s to %s (partition %d, offset %d)%n",
          id, md.topic(), md.partition(), md.offset());
    }
    if (results == null) {
      return 0;
    }
    try (results) {
      return awaitResult(results, id, new RecordText(topics.registry()));
    }
  }

  private int awaitResult(KafkaConsumer<byte[], byte[]> results, String id, RecordText text) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
        if (id.equals(RecordText.key(r.key()))) {
          JsonNode result = text.toJson(r.value());
          System.out.println(result.toPrettyString());
          return "SUCCEEDED".equals(result.path("status").asText()) ? 0 : 1;
        }
      }
    }
    System.err.println(
        "no result for "
            + id
            + " within "
            + wait
            + " (it may still be delayed, queued or running)");
    return 3;
  }

  private static String read(String arg) throws IOException {
    if (arg.equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (arg.startsWith("@")) {
      return Files.readString(Path.of(arg.substring(1)));
    }
    return arg;
  }
}
