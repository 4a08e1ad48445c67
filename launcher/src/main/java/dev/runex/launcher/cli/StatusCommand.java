package dev.runex.launcher.cli;

import dev.runex.gateway.status.StatusClient;
import dev.runex.topology.status.StatusQueries;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runex status <id>}: one job's status from the topology's status store. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Print a job's status as JSON: state, attempts, timestamps and its transitions. "
            + "Exit 0 found, 1 unknown (or expired after runex.topology.statusRetention), 3 not answerable now.")
public final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job id.")
  String id;

  @Option(
      names = "--status-url",
      paramLabel = "URL",
      description =
          "A topology instance's status API (default: http://<runex.topology.statusHost>:<runex.topology.statusPort>).")
  String statusUrl;

  @Override
  public Integer call() {
    StatusClient.Response r =
        StatusClient.of(statusUrl, config.load()).get("/jobs/" + StatusQueries.pathSegment(id));
    if (r.status() == 200) {
      System.out.println(r.body().toPrettyString());
      return 0;
    }
    System.err.println("no status for job " + id + ": " + r.error());
    return r.status() == 404 ? 1 : 3;
  }
}
