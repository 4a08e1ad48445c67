package dev.runex.workers.internal.execution.process;

import dev.runex.config.Template;
import dev.runex.config.Template.Placeholder;
import dev.runex.workers.handler.JobContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a process type's command template into one attempt's argv. Each template entry becomes
 * exactly one argv entry whatever the values hold — spaces, quotes, {@code ; rm -rf /}, {@code
 * $(...)} stay inert text because no shell ever sees them. An entry that is a lone placeholder of
 * an absent parameter is left out (optional arguments); inside a longer entry an absent parameter
 * is empty text. Numbers are written plainly ({@code 2.5}, never {@code 2.5E0}).
 */
public final class ArgvTemplate {
  private final List<Template> command;

  public ArgvTemplate(List<Template> command) {
    this.command = List.copyOf(command);
  }

  public List<String> render(JobContext ctx, Path workdir) {
    List<String> argv = new ArrayList<>(command.size());
    for (Template entry : command) {
      if (entry.parts().size() == 1
          && entry.parts().get(0) instanceof Placeholder p
          && isAbsent(ctx, p)) {
        continue;
      }
      argv.add(entry.render(p -> value(ctx, p, workdir)));
    }
    return argv;
  }

  private static boolean isAbsent(JobContext ctx, Placeholder p) {
    return p.param() != null && ctx.params().get(p.param()) == null;
  }

  static String value(JobContext ctx, Placeholder p, Path workdir) {
    if (p.param() != null) {
      return text(ctx.params().get(p.param()));
    }
    return switch (p.name()) {
      case "job.id" -> ctx.jobId();
      case "job.type" -> ctx.type();
      case "job.tenant" -> ctx.tenant();
      case "job.attempt" -> Integer.toString(ctx.attempt());
      case "job.idempotencyKey" -> ctx.idempotencyKey();
      case Template.WORKDIR -> workdir.toString();
      default ->
          throw new IllegalStateException(
              "placeholder {" + p.name() + "} passed config validation but is unknown");
    };
  }

  /** A parameter value as argv text: null is empty, doubles are plain decimals. */
  public static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return value.toString();
  }
}
