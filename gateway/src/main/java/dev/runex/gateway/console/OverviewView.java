package dev.runex.gateway.console;

import dev.runex.gateway.overview.Backlog;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.overview.PoolStats;
import java.util.List;

/**
 * The overview fragment (refreshed by htmx every two seconds): per pool, the backlog of each
 * priority (records waiting, age of the oldest), delayed, throttled and in-flight jobs, start and
 * finish rates, queue-wait and run-time percentiles, the failure rate and charts of the last
 * minutes; then what is paused. Cells carry {@code data-metric} names for tests and scripts.
 */
final class OverviewView {
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

  private static void pool(StringBuilder h, Overview.Pool p, boolean withBacklog) {
    PoolStats s = p.stats();
    h.append("<section class=\"pool\" data-pool=\"").append(Html.esc(p.name())).append("\">");
    h.append("<h2>pool ").append(Html.esc(p.name())).append("</h2>");
    if (withBacklog) {
      h.append(
          "<table class=\"grid backlog\"><tr><th>priority</th><th>waiting</th><th>oldest waiting</th></tr>");
      for (Backlog b : p.backlog()) {
        h.append("<tr data-priority=\"")
            .append(Html.esc(b.priority()))
            .append("\"><td>")
            .append(Html.esc(b.priority()))
            .append("</td><td data-metric=\"waiting\">")
            .append(b.exact() ? "" : "≈")
            .append(b.waiting())
            .append("</td><td data-metric=\"oldest\">")
            .append(Html.duration(b.oldestWaiting()))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("<dl class=\"figures\">");
    figure(
        h,
        "waiting",
        withBacklog ? Long.toString(p.waiting()) : "–",
        "records waiting (all priorities)");
    figure(h, "delayed", Long.toString(s.delayed()), "delayed or waiting to retry");
    figure(h, "throttled", Long.toString(s.throttled()), "held by a tenant quota");
    figure(h, "in-flight", Long.toString(s.inFlight()), "running now");
    figure(h, "started-rate", Html.rate(s.startedPerSecond()), "attempts started per second");
    figure(h, "finished-rate", Html.rate(s.finishedPerSecond()), "jobs finished per second");
    figure(h, "wait-p50", Html.millis(s.queueWaitP50Ms()), "queue wait p50");
    figure(h, "wait-p99", Html.millis(s.queueWaitP99Ms()), "queue wait p99");
    figure(h, "run-p50", Html.millis(s.runP50Ms()), "run time p50");
    figure(h, "run-p99", Html.millis(s.runP99Ms()), "run time p99");
    figure(h, "failure-rate", Html.percent(s.failureRate()), "failed or timed out");
    h.append("</dl><div class=\"charts\">");
    List<PoolStats.Point> series = s.series();
    double[] started = new double[series.size()];
    double[] finished = new double[series.size()];
    double[] waiting = new double[series.size()];
    double[] inFlight = new double[series.size()];
    for (int i = 0; i < series.size(); i++) {
      PoolStats.Point pt = series.get(i);
      started[i] = pt.started();
      finished[i] = pt.finished();
      waiting[i] = pt.waiting();
      inFlight[i] = pt.inFlight();
    }
    h.append(
        Sparkline.svg(
            "started / finished per s",
            new double[][] {started, finished},
            new String[] {"s1", "s2"},
            "/s"));
    if (withBacklog) {
      h.append(
          Sparkline.svg(
              "waiting / in flight",
              new double[][] {waiting, inFlight},
              new String[] {"s3", "s4"},
              ""));
    }
    h.append("</div></section>");
  }

  private static void figure(StringBuilder h, String metric, String value, String label) {
    h.append("<div><dt>")
        .append(Html.esc(label))
        .append("</dt><dd data-metric=\"")
        .append(metric)
        .append("\">")
        .append(Html.esc(value))
        .append("</dd></div>");
  }
}
