/**
 * The handler API: everything a job-type author writes against. A handler is a {@link
 * dev.runex.workers.handler.JobHandler}; it reads its attempt from a {@link
 * dev.runex.workers.handler.JobContext} and ends it by returning its output or throwing {@link
 * dev.runex.workers.handler.PermanentJobException} (no retry can fix it), {@link
 * dev.runex.workers.handler.RetryableJobException} (any other exception counts as retryable too) or
 * {@link dev.runex.workers.handler.DeferJobException} (not now; the attempt does not count).
 * Nothing else in {@code dev.runex.workers} is meant for authors: {@code
 * dev.runex.workers.JobWorker} and {@code HandlerRegistry} run a worker inside an application, and
 * {@code dev.runex.workers.internal} is the worker's own machinery, free to change.
 *
 * <p>A handler that sends a welcome mail once per job (the mail service drops a second send with
 * the same idempotency key, so an attempt rerun after a crash sends nothing twice):
 *
 * <pre>{@code
 * public final class WelcomeMailHandler implements JobHandler {
 *   private final Mailer mailer;
 *
 *   public WelcomeMailHandler(Mailer mailer) {
 *     this.mailer = mailer;
 *   }
 *
 *   @Override
 *   public String name() {
 *     return "welcome-mail"; // job types with handler: welcome-mail run this
 *   }
 *
 *   @Override
 *   public String handle(JobContext ctx) throws Exception {
 *     String to = ctx.stringParam("email").orElse("");
 *     if (!to.contains("@")) {
 *       throw new PermanentJobException("BAD_EMAIL", "not an address: '" + to + "'");
 *     }
 *     try {
 *       return mailer.send(to, ctx.stringParam("template", "welcome"), ctx.idempotencyKey());
 *     } catch (IOException e) {
 *       throw new RetryableJobException("MAIL_DOWN", "mail service unreachable", e);
 *     }
 *   }
 *
 *   // sends a mail and returns its message id; drops a second send with the same key
 *   public interface Mailer {
 *     String send(String to, String template, String idempotencyKey) throws IOException;
 *   }
 * }
 * }</pre>
 *
 * <p>To run it, list its class name in {@code
 * META-INF/services/dev.runex.workers.handler.JobHandler} on the worker's class path (it then needs
 * a no-argument constructor) or register an instance on the worker's {@code HandlerRegistry}, and
 * declare a job type with {@code executor: java} and {@code handler: welcome-mail}. The same class
 * is compiled and run by this package's tests.
 */
package dev.runex.workers.handler;
