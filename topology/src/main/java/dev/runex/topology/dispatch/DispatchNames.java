package dev.runex.topology.dispatch;

/**
 * Node names of one expiry-check → pool-dispatch path and its sinks. The topology has two such
 * paths (in different sub-topologies, so with different nodes): jobs without quotas leave the delay
 * index's task through {@link PoolDispatcher#MAIN}; jobs with quotas leave the quota gate's task.
 */
public record DispatchNames(
    String expiry, String dispatch, String scheduledSink, String eventsSink, String resultsSink) {}
