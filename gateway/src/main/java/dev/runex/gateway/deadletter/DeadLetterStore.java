package dev.runex.gateway.deadletter;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.follow.TopicFollower;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The dead letters the console browses: the {@code dead-letter} topic followed from the beginning,
 * decoded once, the newest {@code runex.gateway.deadLettersHeld} kept in memory (older ones stay on
 * the topic; {@code runex dlq} reads them all).
 */
public final class DeadLetterStore implements AutoCloseable {
  private final Deque<DeadLetterEntry> entries = new ArrayDeque<>();
  private final int held;
  private final String topic;
  private final TopicFollower follower;
  private long dropped;

  public DeadLetterStore(RunexConfig cfg, RunexTopics topics, int held) {
    this.held = held;
    this.topic = topics.deadLetter().name();
    RecordText text = new RecordText(topics.registry());
    this.follower =
        new TopicFollower(
            cfg,
            topic,
            new TopicFollower.Start.Beginning(),
            "dead-letters",
            r ->
                add(
                    new DeadLetterEntry(
                        r.partition(), r.offset(), r.key(), text.toJson(r.value()))));
  }

  public DeadLetterStore start() {
    follower.start();
    return this;
  }

  public TopicFollower follower() {
    return follower;
  }

  public String topic() {
    return topic;
  }

  private synchronized void add(DeadLetterEntry e) {
    entries.addFirst(e);
    while (entries.size() > held) {
      entries.removeLast();
      dropped++;
    }
  }

  /** Matching dead letters, newest first. */
  public synchronized List<DeadLetterEntry> search(DeadLetterQuery q) {
    List<DeadLetterEntry> out = new ArrayList<>();
    for (DeadLetterEntry e : entries) {
      if (q.matches(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The dead letter with this reference ({@code partition-offset}), if held. */
  public synchronized Optional<DeadLetterEntry> byRef(String ref) {
    for (Iterator<DeadLetterEntry> it = entries.iterator(); it.hasNext(); ) {
      DeadLetterEntry e = it.next();
      if (e.ref().equals(ref) || (e.partition() + ":" + e.offset()).equals(ref)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Dead letters older than the newest {@code held} that the console no longer holds. */
  public synchronized long dropped() {
    return dropped;
  }

  @Override
  public void close() {
    follower.close();
  }
}
