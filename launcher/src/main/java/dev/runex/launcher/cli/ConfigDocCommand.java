package dev.runex.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runex config-doc}: prints the configuration reference (or the metrics list, or the reason
 * codes) as Markdown.
 */
@Command(
    name = "config-doc",
    mixinStandardHelpOptions = true,
    description =
        "Print the configuration reference (or --metrics: the metrics list; --reasons: the reason"
            + " codes) as Markdown.")
public final class ConfigDocCommand implements Callable<Integer> {
  @Option(names = "--metrics", description = "Print the metrics list instead.")
  boolean metrics;

  @Option(names = "--reasons", description = "Print the reason codes instead.")
  boolean reasons;

  @Override
  public Integer call() {
    System.out.print(
        reasons
            ? ConfigReference.reasonsMarkdown()
            : metrics ? ConfigReference.metricsMarkdown() : ConfigReference.settingsMarkdown());
    return 0;
  }
}
