package dev.runex.topology.dispatch;

/**
 * Node names of one expiry-check → pool-dispatch path and its sinks, given to its processors by the
 * sub-topology that wires them. The topology has three such paths (in different sub-topologies, so
 * with different nodes): due jobs without quota or idempotency key leave intake's task through
 * intake's direct path; other jobs without quotas leave the delay index's task through the queueing
 * sub-topology's path; jobs with quotas leave the quota gate's task through the quota
 * sub-topology's. {@code results} is the node that writes a result and, for a job a schedule fired,
 * its feedback ({@code ResultFeedback}).
 */
public record DispatchNames(
    String expiry, String dispatch, String scheduledSink, String eventsSink, String results) {}
