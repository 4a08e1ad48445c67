package dev.runex.launcher.cli;

import dev.runex.schemas.ControlAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runex resume --tenant T | --type T | --pool P}: a RESUME command on the control topic. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {"Resume a paused tenant, job type or pool: its queued jobs start, in order."},
    footer = {"", "Example: ./runex resume --tenant acme"})
public final class ResumeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ControlTargetOptions target;

  @Option(names = "--reason", description = "Why (kept with the command, for audit).")
  String reason;

  @Override
  public Integer call() throws Exception {
    return ControlReport.sendAndReport(
        config.load(), target.target(), ControlAction.RESUME, reason);
  }
}
