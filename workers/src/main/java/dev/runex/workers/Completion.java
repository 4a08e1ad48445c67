package dev.runex.workers;

import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.output.AttemptOutputs;

/**
 * An attempt's outcome, handed from a handler or timer thread to the poll loop, with the outputs
 * that thread already encoded for it ({@code prepared}; null when encoding failed there, and the
 * poll loop then encodes them itself, so a failure surfaces where it can be recovered from), and
 * whether that thread also sent them into the open transaction ({@code sent}; see {@link
 * dev.runex.workers.internal.output.OutputTransaction#trySendFromAttempt}).
 */
record Completion(RunningJob job, AttemptOutcome outcome, AttemptOutputs prepared, boolean sent)
    implements AttemptNews {}
