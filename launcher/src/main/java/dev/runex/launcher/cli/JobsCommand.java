package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.status.StatusClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runex jobs}: lists jobs from the status store, filtered, one page at a time. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description =
        "List jobs by tenant, type and state from the topology's status store, in job-id order, one page at a time.")
public final class JobsCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--tenant", description = "Only this tenant's jobs.")
  String tenant;

  @Option(names = "--type", description = "Only jobs of this type.")
  String type;

  @Option(
      names = "--state",
      description =
          "Only jobs in this state: RECEIVED, VALIDATED, DELAYED, THROTTLED, SCHEDULED, RUNNING, "
              + "RETRY_SCHEDULED, SUCCEEDED, FAILED, TIMED_OUT, REJECTED, EXPIRED, CANCELLED.")
  String state;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "Jobs per page, 1 to 1000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "The next page, as the previous one printed it.")
  String pageToken;

  @Option(names = "--json", description = "Print the API's JSON page instead of a table.")
  boolean json;

  @Option(
      names = "--status-url",
      paramLabel = "URL",
      description =
          "A topology instance's status API (default: http://<runex.topology.statusHost>:<runex.topology.statusPort>).")
  String statusUrl;

  @Override
  public Integer call() {
    StatusClient.Response r = StatusClient.of(statusUrl, config.load()).get("/jobs?" + query());
    if (r.status() != 200) {
      System.err.println("cannot list jobs: " + r.error());
      return r.status() == 400 ? 2 : 3;
    }
    if (json) {
      System.out.println(r.body().toPrettyString());
      return 0;
    }
    System.out.printf(
        "%-38s %-16s %-12s %-12s %7s  %s%n", "ID", "STATE", "TYPE", "TENANT", "ATTEMPT", "UPDATED");
    for (JsonNode job : r.body().path("jobs")) {
      System.out.printf(
          "%-38s %-16s %-12s %-12s %7d  %s%n",
          job.path("jobId").asText(),
          job.path("state").asText(),
          job.path("type").asText(""),
          job.path("tenant").asText(""),
          job.path("attempt").asInt(),
          job.path("updatedAt").asText());
    }
    JsonNode next = r.body().path("nextPageToken");
    if (next.isTextual()) {
      System.out.println("more: --page-token " + next.asText());
    }
    return 0;
  }

  private String query() {
    StringBuilder q = new StringBuilder("limit=").append(limit);
    param(q, "tenant", tenant);
    param(q, "type", type);
    param(q, "state", state);
    param(q, "pageToken", pageToken);
    return q.toString();
  }

  private static void param(StringBuilder q, String name, String value) {
    if (value != null && !value.isBlank()) {
      q.append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
