package dev.runex.workers;

import dev.runex.workers.internal.execution.AttemptOutcome;

/** An attempt's outcome, handed from a handler thread to the poll loop. */
record Completion(RunningJob job, AttemptOutcome outcome) {}
