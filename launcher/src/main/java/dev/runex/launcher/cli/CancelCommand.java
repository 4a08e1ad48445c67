package dev.runex.launcher.cli;

import dev.runex.gateway.control.ControlWriter;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.control.ControlTargets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runex cancel <job id>}: a CANCEL command for {@code job:<id>} on the control topic. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel a job whether it is delayed, queued, waiting to retry or running: it gets one CANCELLED",
      "result. A job that already finished is not affected."
    },
    footer = {"", "Example: ./runex cancel 7f3c0e2a --reason 'submitted twice'"})
public final class CancelCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id.")
  String jobId;

  @Option(names = "--reason", description = "Why (shown in the result's error message).")
  String reason;

  @Override
  public Integer call() throws Exception {
    String target = ControlTargets.job(jobId);
    var md = ControlWriter.send(config.load(), target, ControlAction.CANCEL, reason);
    System.out.printf(
        "cancel of %s written to %s (partition %d, offset %d)%n",
        jobId, md.topic(), md.partition(), md.offset());
    return 0;
  }
}
