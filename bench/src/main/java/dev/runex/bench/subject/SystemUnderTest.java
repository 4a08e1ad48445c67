package dev.runex.bench.subject;

import java.util.List;

/**
 * A pipeline the benchmark drives: jobs go in on {@link #intakeTopic()} (key = job id, value = a
 * JSON job request as raw bytes) and exactly one result per job comes out on {@link
 * #resultsTopic()} under the same key, visible to read_committed consumers. The lifecycle is
 * provision → start → close; nothing consumes intake before {@link #start()}, so a preloaded
 * backlog measures drain speed.
 */
public sealed interface SystemUnderTest extends AutoCloseable permits BareChain, RunexUnderTest {

  /** Short label for reports. */
  String name();

  String intakeTopic();

  String resultsTopic();

  /** Creates the topics (and waits until the broker knows them); consumes nothing yet. */
  void provision();

  /** Starts consuming intake; returns without waiting for the first result. */
  void start();

  /**
   * A consumer group off the result path that still has work when the last result is out: it must
   * read {@code topic} to its end (runex's job-status application, reading the lifecycle events).
   */
  record SideReader(String groupId, String topic) {}

  /** This system's consumers off the result path, whose catching up a drain waits for and times. */
  default List<SideReader> sideReaders() {
    return List.of();
  }

  /** Whether a result value written by this system reports a successful job. */
  boolean succeeded(byte[] resultValue);

  /** Stops every thread and client this system started; bounded in time. */
  @Override
  void close();
}
