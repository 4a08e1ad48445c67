package dev.runex.workers;

import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.output.AttemptOutputs;
import dev.runex.workers.internal.output.PreparedOutputs;

/**
 * An attempt's outcome, handed from its handler or timer thread to the poll loop, with the outputs
 * that thread built and encoded for it ({@code prepared}; null when that failed there: the poll
 * loop then builds them itself, so the failure surfaces where it can be recovered from) and, when
 * that thread also sent them into the open transaction, what it sent ({@code sent}, else null; see
 * {@link AttemptEnds#reporter}).
 */
record Completion(
    RunningJob job, AttemptOutcome outcome, PreparedOutputs prepared, AttemptOutputs sent) {}
