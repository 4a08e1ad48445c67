/**
 * The worker's own machinery, not an API: packages under here change whenever the worker does. What
 * applications and job-type authors use is {@code dev.runex.workers} ({@code JobWorker} and its
 * {@code HandlerRegistry}, and {@code ControlView} for processes that follow the control topic) and
 * {@code dev.runex.workers.handler}.
 *
 * <p>The packages follow an attempt through the worker: {@code admission} (worker slots, memory
 * budget, flow control, priorities), {@code control} (pause, resume and cancel from the control
 * topic), {@code execution} (running attempts: the java handlers, the {@code process} sandbox, the
 * {@code http} executor, failure classification), {@code output} (the records an attempt ends with,
 * in the worker's transaction), {@code retry} and {@code deadletter} (what a failure becomes),
 * {@code offsets} (which offsets may commit), {@code monitoring} (metrics, health, MDC, trace
 * context) and {@code cleanup} (what is removed after each attempt).
 */
package dev.runex.workers.internal;
