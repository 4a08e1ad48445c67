package dev.runex.launcher.cli;

import dev.runex.schemas.ControlAction;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runex pause --tenant T | --type T | --pool P}: a PAUSE command on the control topic. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Pause a tenant, a job type or a pool: its jobs stay queued (not dropped, not failed) and do not",
      "start until resumed. Running jobs finish."
    },
    footer = {"", "Example: ./runex pause --tenant acme"})
public final class PauseCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ControlTargetOptions target;

  @Option(names = "--reason", description = "Why (kept with the command, for audit).")
  String reason;

  @Override
  public Integer call() throws Exception {
    return ControlReport.sendAndReport(config.load(), target.target(), ControlAction.PAUSE, reason);
  }
}
