package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.topics.RunexTopics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The demo {@code runex local} shows: one job of each fate, their results and dead letters. */
final class LocalDemo {
  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final LiveFeed feed;

  LocalDemo(RunexConfig cfg, RunexTopics topics, LiveFeed feed) {
    this.cfg = cfg;
    this.topics = topics;
    this.feed = feed;
  }

  void run() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> jobs = new LinkedHashMap<>();
    jobs.put(
        "demo-" + run + "-echo",
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hello from runex\"}}");
    jobs.put(
        "demo-" + run + "-delayed",
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"PT5S\",\"params\":{\"message\":\"I waited 5 s\"}}");
    jobs.put(
        "demo-" + run + "-flaky",
        "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"times\":2}}");
    jobs.put(
        "demo-" + run + "-permanent",
        "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"permanent\":true,\"message\":\"bad input, will not retry\"}}");
    jobs.put(
        "demo-" + run + "-process",
        "{\"type\":\"hello\",\"tenant\":\"demo\",\"params\":{\"name\":\"$(whoami); rm -rf /\"}}");
    jobs.put("demo-" + run + "-invalid", "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{}}");
    jobs.put("demo-" + run + "-garbage", "this is not a job");
    System.out.println(
        "\n== demo: submitting " + jobs.size() + " jobs to " + topics.intake().name() + " ==");
    try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cfg)) {
      for (Map.Entry<String, String> e : jobs.entrySet()) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.intake().name(),
                    e.getKey().getBytes(StandardCharsets.UTF_8),
                    e.getValue().getBytes(StandardCharsets.UTF_8)))
            .get();
        System.out.println("  submitted " + e.getKey() + ": " + e.getValue());
      }
    }
    System.out.println(
        "  expect: echo SUCCEEDED; delayed SUCCEEDED after ~5 s; flaky fails twice, retries with "
            + "back-off, SUCCEEDED on attempt 3; permanent FAILED + dead letter; process SUCCEEDED with the name printed "
            + "as plain text by /bin/echo in the sandbox; invalid and garbage REJECTED + dead letters\n");
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline
        && jobs.keySet().stream().anyMatch(id -> feed.result(id) == null)) {
      Thread.sleep(200);
    }
    long missing = jobs.keySet().stream().filter(id -> feed.result(id) == null).count();
    System.out.println(
        missing == 0
            ? "== demo complete: every job has exactly one result =="
            : "== demo: " + missing + " job(s) still without a result ==");
  }
}
