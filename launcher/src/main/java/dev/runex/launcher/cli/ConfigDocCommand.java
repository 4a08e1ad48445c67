package dev.runex.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runex config-doc}: prints the configuration (or metrics) reference as Markdown. */
@Command(
    name = "config-doc",
    mixinStandardHelpOptions = true,
    description = "Print the configuration reference (or --metrics: the metrics list) as Markdown.")
public final class ConfigDocCommand implements Callable<Integer> {
  @Option(names = "--metrics", description = "Print the metrics list instead.")
  boolean metrics;

  @Override
  public Integer call() {
    System.out.print(
        metrics ? ConfigReference.metricsMarkdown() : ConfigReference.settingsMarkdown());
    return 0;
  }
}
