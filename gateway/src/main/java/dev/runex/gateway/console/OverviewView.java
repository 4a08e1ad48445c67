package dev.runex.gateway.console;

import dev.runex.gateway.overview.Backlog;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.overview.PoolStats;
import java.time.Duration;
import java.util.List;

/**
 * The overview fragment (refreshed by htmx every two seconds): per pool, a table whose first row
 * ({@code data-row="pool"}) has the pool's figures over every priority and whose next rows ({@code
 * data-priority="high|normal|low"}) have the same figures per priority: records waiting and the age
 * of the oldest (operators only), delayed, throttled and in-flight jobs, start and finish rates,
 * queue-wait and run-time percentiles, the failure rate and small charts of the last minutes; the
 * pauses that hold the pool's jobs; then everything paused. Cells carry {@code data-metric} names
 * for tests and scripts.
 */
final class OverviewView {
  private static final int CHART_WIDTH = 120;
  private static final int CHART_HEIGHT = 32;

  private OverviewView() {}

  static String fragment(Overview o) {
    StringBuilder h = new StringBuilder();
    h.append("<p class=\"muted\">as of <span data-testid=\"overview-at\">")
        .append(Html.time(o.at()))
        .append("</span> UTC")
        .append(o.tenant() == null ? "" : " · tenant " + Html.esc(o.tenant()) + " only")
        .append(" · rates over the last minute, percentiles and failure rate over the window</p>");
    h.append("<div class=\"pools\">");
    for (Overview.Pool p : o.pools()) {
      pool(h, p, o.tenant() == null);
    }
    h.append("</div>");
    h.append("<h2>Paused</h2>");
    if (o.paused().isEmpty()) {
      h.append("<p class=\"muted\" data-testid=\"nothing-paused\">Nothing is paused.</p>");
    } else {
      h.append(
          "<table class=\"grid\"><tr><th>target</th><th>by</th><th>since</th><th>reason</th></tr>");
      for (Overview.Paused p : o.paused()) {
        h.append("<tr data-paused=\"")
            .append(Html.esc(p.target()))
            .append("\"><td>")
            .append(Html.esc(p.target()))
            .append("</td><td>")
            .append(Html.esc(p.by()))
            .append("</td><td>")
            .append(Html.time(p.since()))
            .append("</td><td>")
            .append(Html.esc(p.reason()))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    return h.toString();
  }

  private static final String[] COLUMNS = {
    "waiting",
    "oldest waiting",
    "delayed",
    "throttled",
    "in flight",
    "started/s",
    "finished/s",
    "wait p50",
    "wait p99",
    "run p50",
    "run p99",
    "failed",
    "started / finished per s"
  };

  private static void pool(StringBuilder h, Overview.Pool p, boolean withBacklog) {
    h.append("<section class=\"pool\" data-pool=\"").append(Html.esc(p.name())).append("\">");
    h.append("<h2>pool ").append(Html.esc(p.name())).append("</h2>");
    if (!p.pausedBy().isEmpty()) {
      h.append("<p class=\"state PAUSED\" data-testid=\"pool-paused\">paused by ")
          .append(Html.esc(String.join(", ", p.pausedBy())))
          .append(" (every priority)</p>");
    }
    h.append("<div class=\"scroll\"><table class=\"grid rows\"><tr><th></th>");
    for (String c : COLUMNS) {
      h.append("<th>").append(Html.esc(c)).append("</th>");
    }
    h.append(withBacklog ? "<th>waiting / in flight</th></tr>" : "</tr>");
    Duration oldest =
        p.backlog().stream()
            .map(Backlog::oldestWaiting)
            .filter(d -> d != null)
            .max(Duration::compareTo)
            .orElse(null);
    boolean exact = p.backlog().stream().allMatch(Backlog::exact);
    row(
        h,
        "<tr class=\"total\" data-row=\"pool\"><th>all priorities</th>",
        withBacklog ? (exact ? "" : "≈") + p.waiting() : "–",
        withBacklog ? Html.duration(oldest) : "–",
        p.stats(),
        withBacklog);
    for (Overview.Priority pr : p.priorities()) {
      Backlog b = pr.backlog();
      row(
          h,
          "<tr class=\"priority\" data-priority=\""
              + Html.esc(pr.name())
              + "\"><th>"
              + Html.esc(pr.name())
              + "</th>",
          b == null ? "–" : (b.exact() ? "" : "≈") + b.waiting(),
          b == null ? "–" : Html.duration(b.oldestWaiting()),
          pr.stats(),
          withBacklog);
    }
    h.append("</table></div></section>");
  }

  /** One row: the backlog cells as given, then the lifecycle figures and the small charts. */
  private static void row(
      StringBuilder h,
      String opening,
      String waiting,
      String oldest,
      PoolStats s,
      boolean withBacklog) {
    h.append(opening);
    cell(h, "waiting", waiting);
    cell(h, "oldest", oldest);
    cell(h, "delayed", Long.toString(s.delayed()));
    cell(h, "throttled", Long.toString(s.throttled()));
    cell(h, "in-flight", Long.toString(s.inFlight()));
    cell(h, "started-rate", Html.rate(s.startedPerSecond()));
    cell(h, "finished-rate", Html.rate(s.finishedPerSecond()));
    cell(h, "wait-p50", Html.millis(s.queueWaitP50Ms()));
    cell(h, "wait-p99", Html.millis(s.queueWaitP99Ms()));
    cell(h, "run-p50", Html.millis(s.runP50Ms()));
    cell(h, "run-p99", Html.millis(s.runP99Ms()));
    cell(h, "failure-rate", Html.percent(s.failureRate()));
    h.append("<td class=\"spark\">");
    List<PoolStats.Point> series = s.series();
    double[] started = new double[series.size()];
    double[] finished = new double[series.size()];
    double[] waitingSeries = new double[series.size()];
    double[] inFlight = new double[series.size()];
    for (int i = 0; i < series.size(); i++) {
      PoolStats.Point pt = series.get(i);
      started[i] = pt.started();
      finished[i] = pt.finished();
      waitingSeries[i] = pt.waiting();
      inFlight[i] = pt.inFlight();
    }
    h.append(
        Sparkline.small(
            "started / finished per s",
            new double[][] {started, finished},
            new String[] {"s1", "s2"},
            "/s",
            CHART_WIDTH,
            CHART_HEIGHT));
    if (withBacklog) {
      h.append("</td><td class=\"spark\">")
          .append(
              Sparkline.small(
                  "waiting / in flight",
                  new double[][] {waitingSeries, inFlight},
                  new String[] {"s3", "s4"},
                  "",
                  CHART_WIDTH,
                  CHART_HEIGHT));
    }
    h.append("</td></tr>");
  }

  private static void cell(StringBuilder h, String metric, String value) {
    h.append("<td data-metric=\"")
        .append(metric)
        .append("\">")
        .append(Html.esc(value))
        .append("</td>");
  }
}
