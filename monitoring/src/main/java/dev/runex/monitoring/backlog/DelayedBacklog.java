package dev.runex.monitoring.backlog;

import java.util.OptionalLong;

/**
 * The jobs a process holds back until they are due (the topology's delay index), per pool and
 * priority. Implementations answer from counts they keep up to date as jobs come and go, never by
 * scanning their store: the backlog meters call them on every scrape, from any thread.
 */
public interface DelayedBacklog {

  /** Jobs waiting for their due time. */
  long delayed(PoolPriority backlog);

  /** Due time (epoch millis) of the next of them to fall due; empty when none waits. */
  OptionalLong nextDueMillis(PoolPriority backlog);
}
