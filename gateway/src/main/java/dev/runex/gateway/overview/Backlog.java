package dev.runex.gateway.overview;

import java.time.Duration;

/**
 * Work waiting in one pool's topic of one priority: records not yet taken by the pool's workers,
 * and how long the oldest of them has been due.
 *
 * @param pool the worker pool
 * @param priority high, normal or low
 * @param waiting records waiting (exact when counted by reading them, see {@code exact})
 * @param oldestWaiting how long the oldest waiting job has been due; null when none waits
 * @param exact false when the backlog was too large to read and {@code waiting} is the offset
 *     difference (which also counts transaction markers)
 */
public record Backlog(
    String pool, String priority, long waiting, Duration oldestWaiting, boolean exact) {}
