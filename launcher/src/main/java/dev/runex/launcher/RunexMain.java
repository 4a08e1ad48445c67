package dev.runex.launcher;

import dev.runex.config.ConfigException;
import dev.runex.launcher.cli.CancelCommand;
import dev.runex.launcher.cli.ConfigDocCommand;
import dev.runex.launcher.cli.DlqCommand;
import dev.runex.launcher.cli.GatewayCommand;
import dev.runex.launcher.cli.JobsCommand;
import dev.runex.launcher.cli.LocalCommand;
import dev.runex.launcher.cli.PauseCommand;
import dev.runex.launcher.cli.ResultsCommand;
import dev.runex.launcher.cli.ResumeCommand;
import dev.runex.launcher.cli.ScheduleCommand;
import dev.runex.launcher.cli.StatusCommand;
import dev.runex.launcher.cli.SubmitCommand;
import dev.runex.launcher.cli.TopologyCommand;
import dev.runex.launcher.cli.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runex} command: every deployable and the user CLI in one jar. */
@Command(
    name = "runex",
    mixinStandardHelpOptions = true,
    version = "runex 0.1.0",
    description = "Runtime Execution: a Kafka-native job runtime.",
    subcommands = {
      LocalCommand.class,
      TopologyCommand.class,
      WorkerCommand.class,
      GatewayCommand.class,
      SubmitCommand.class,
      ResultsCommand.class,
      StatusCommand.class,
      JobsCommand.class,
      ScheduleCommand.class,
      DlqCommand.class,
      CancelCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      ConfigDocCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RunexMain {
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new RunexMain());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof ConfigException || e instanceof IllegalStateException) {
            cmd.getErr().println("runex: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    System.exit(cli.execute(args));
  }
}
