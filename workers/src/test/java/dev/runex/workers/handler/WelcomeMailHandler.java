package dev.runex.workers.handler;

import java.io.IOException;

/**
 * The example of this package's documentation, compiled and run by {@link HandlerApiTest} (which
 * also keeps the documented text the same as this class).
 */
public final class WelcomeMailHandler implements JobHandler {
  private final Mailer mailer;

  public WelcomeMailHandler(Mailer mailer) {
    this.mailer = mailer;
  }

  @Override
  public String name() {
    return "welcome-mail"; // job types with handler: welcome-mail run this
  }

  @Override
  public String handle(JobContext ctx) throws Exception {
    String to = ctx.stringParam("email").orElse("");
    if (!to.contains("@")) {
      throw new PermanentJobException("BAD_EMAIL", "not an address: '" + to + "'");
    }
    try {
      return mailer.send(to, ctx.stringParam("template", "welcome"), ctx.idempotencyKey());
    } catch (IOException e) {
      throw new RetryableJobException("MAIL_DOWN", "mail service unreachable", e);
    }
  }

  // sends a mail and returns its message id; drops a second send with the same key
  public interface Mailer {
    String send(String to, String template, String idempotencyKey) throws IOException;
  }
}
