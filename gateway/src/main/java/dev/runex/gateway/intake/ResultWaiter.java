package dev.runex.gateway.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.follow.TopicFollower;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows {@code results} from the gateway's start and hands each result to whoever waits for it
 * ({@code POST /jobs?wait=30s}); keeps the most recent results by job id, so a job page shows a
 * fresh result without searching the topic. Register before submitting: the consumer's position was
 * fixed at start, so no result committed after registration is missed.
 */
public final class ResultWaiter implements AutoCloseable {
  private static final int RECENT = 10_000;

  private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final LatestById<Seen> recent = new LatestById<>(RECENT);

  /** A result, and when the gateway read it. */
  public record Seen(JsonNode result, Instant at) {}

  private final TopicFollower follower;

  public ResultWaiter(RunexConfig cfg, RunexTopics topics) {
    RecordText text = new RecordText(topics.registry());
    this.follower =
        new TopicFollower(
            cfg,
            topics.results().name(),
            new TopicFollower.Start.End(),
            "results",
            r -> accept(RecordText.key(r.key()), text.toJson(r.value())));
  }

  public ResultWaiter start() {
    follower.start();
    return this;
  }

  public TopicFollower follower() {
    return follower;
  }

  /** A future completed by {@code jobId}'s next result; {@link #forget} it when giving up. */
  public CompletableFuture<JsonNode> expect(String jobId) {
    return waiting.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  public void forget(String jobId) {
    waiting.remove(jobId);
  }

  /** The latest result seen for {@code jobId} since the gateway started, if it is still held. */
  public Optional<JsonNode> recent(String jobId) {
    return seen(jobId).map(Seen::result);
  }

  /** Like {@link #recent}, with the time the gateway read the result. */
  public Optional<Seen> seen(String jobId) {
    return recent.get(jobId);
  }

  private void accept(String jobId, JsonNode result) {
    recent.put(jobId, new Seen(result, Instant.now()));
    CompletableFuture<JsonNode> f = waiting.remove(jobId);
    if (f != null) {
      f.complete(result);
    }
  }

  @Override
  public void close() {
    follower.close();
    waiting.values().forEach(f -> f.cancel(false));
  }
}
