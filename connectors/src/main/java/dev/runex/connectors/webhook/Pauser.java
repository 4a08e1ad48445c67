package dev.runex.connectors.webhook;

import java.time.Duration;

/** Waits between attempts; tests substitute one that records the waits instead of sleeping. */
@FunctionalInterface
public interface Pauser {
  Pauser SLEEP = d -> Thread.sleep(d.toMillis());

  void pause(Duration duration) throws InterruptedException;
}
