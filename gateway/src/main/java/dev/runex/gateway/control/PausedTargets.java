package dev.runex.gateway.control;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.ControlView;
import java.time.Duration;
import java.util.Map;

/**
 * What is paused right now, as the workers see it: the workers' {@link ControlView} of the
 * compacted {@code control} topic.
 */
public final class PausedTargets implements AutoCloseable {
  private final ControlView table;

  public PausedTargets(RunexConfig cfg, RunexTopics topics) {
    this.table = new ControlView(cfg, topics, "gateway");
  }

  public PausedTargets start() {
    table.start();
    return this;
  }

  /**
   * Paused targets ({@code tenant:acme}, {@code pool:gpu}, ...) and the commands that paused them.
   */
  public Map<String, ControlCommand> paused() {
    return table.paused();
  }

  public boolean isPaused(String target) {
    return table.isPaused(target);
  }

  public boolean isCaughtUp() {
    return table.isCaughtUp();
  }

  /**
   * Waits until a command written before now is visible (for the console's redirect after a pause).
   */
  public boolean awaitVersionAbove(long version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (table.version() <= version && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return table.version() > version;
  }

  public long version() {
    return table.version();
  }

  @Override
  public void close() {
    table.close();
  }
}
