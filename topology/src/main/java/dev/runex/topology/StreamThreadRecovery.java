package dev.runex.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a stream thread dies. Nothing is lost either way: under exactly_once_v2 the dead
 * thread's open transaction aborts and its records are read again by whoever takes the tasks over.
 * Bad input never reaches this point (intake turns it into dead letters); what does is transient
 * (an unreachable schema registry, a broker hiccup), so the thread is replaced — up to {@code
 * maxReplacements} times within {@code window}. Beyond that the failure is not transient and the
 * client shuts down, so the process supervisor (k8s) restarts it with back-off instead of the
 * thread spinning. JVM errors shut the client down at once.
 */
final class StreamThreadRecovery implements StreamsUncaughtExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(StreamThreadRecovery.class);

  private final int maxReplacements;
  private final Duration window;
  private final Clock clock;
  private final Deque<Long> replacements = new ArrayDeque<>();

  StreamThreadRecovery(int maxReplacements, Duration window, Clock clock) {
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.clock = clock;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
    if (exception instanceof Error || exception.getCause() instanceof Error) {
      log.error("Stream thread died of a JVM error; stopping the topology", exception);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    long now = clock.millis();
    while (!replacements.isEmpty() && replacements.peekFirst() < now - window.toMillis()) {
      replacements.pollFirst();
    }
    if (replacements.size() >= maxReplacements) {
      log.error(
          "Stream thread failed {} times within {}; stopping the topology",
          replacements.size() + 1,
          window,
          exception);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(now);
    log.warn(
        "Stream thread failed ({} of {} replacements within {}); replacing it",
        replacements.size(),
        maxReplacements,
        window,
        exception);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
