package dev.runex.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.schedules.ScheduleCatalog;
import java.time.Instant;
import java.util.List;

/** Schedules (next fire times, pause, resume), pauses (list, resume, pause) and the audit trail. */
final class OperationsViews {
  private OperationsViews() {}

  static String schedules(List<ScheduleCatalog.Entry> schedules) {
    StringBuilder h = new StringBuilder("<h1>Schedules</h1>");
    if (schedules.isEmpty()) {
      return h.append("<p class=\"muted\">No schedules.</p>").toString();
    }
    h.append(
        "<table class=\"grid\" data-testid=\"schedules\"><tr><th>name</th><th>cron</th><th>zone</th><th>job</th>"
            + "<th>next fire times (UTC)</th><th>overlap</th><th>origin</th><th></th></tr>");
    for (ScheduleCatalog.Entry s : schedules) {
      h.append("<tr data-schedule=\"")
          .append(Html.esc(s.name()))
          .append("\"><td>")
          .append(Html.esc(s.name()))
          .append("</td><td><code>")
          .append(Html.esc(s.cron()))
          .append("</code></td><td>")
          .append(Html.esc(s.zone()))
          .append("</td><td>")
          .append(Html.esc(s.tenant()))
          .append('/')
          .append(Html.esc(s.type()))
          .append("</td><td>");
      for (Instant t : s.nextFireTimes()) {
        h.append(Html.time(t)).append("<br>");
      }
      h.append("</td><td>")
          .append(Html.esc(s.overlap()))
          .append("</td><td>")
          .append(Html.esc(s.origin()))
          .append("</td><td>")
          .append(
              button(
                  "/console/schedules/" + Html.seg(s.name()) + (s.paused() ? "/resume" : "/pause"),
                  s.paused() ? "Resume" : "Pause"))
          .append(s.paused() ? " <span class=\"state PAUSED\">paused</span>" : "")
          .append("</td></tr>");
    }
    return h.append("</table>").toString();
  }

  static String pauses(
      Caller caller, List<Overview.Paused> paused, List<String> pools, List<String> types) {
    StringBuilder h = new StringBuilder("<h1>Pauses</h1>");
    if (paused.isEmpty()) {
      h.append("<p class=\"muted\" data-testid=\"nothing-paused\">Nothing is paused.</p>");
    } else {
      h.append(
          "<table class=\"grid\" data-testid=\"pauses\"><tr><th>target</th><th>by</th><th>since</th><th>reason</th><th></th></tr>");
      for (Overview.Paused p : paused) {
        int colon = p.target().indexOf(':');
        String kind = p.target().substring(0, colon) + "s";
        String name = p.target().substring(colon + 1);
        boolean mayResume =
            caller.isOperator()
                || p.target().equals("tenant:" + caller.tenant().get())
                || kind.equals("schedules");
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
            .append("</td><td>")
            .append(
                mayResume
                    ? button("/console/" + kind + "/" + Html.seg(name) + "/resume", "Resume")
                    : "")
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("<h2>Pause</h2><form method=\"post\" action=\"/console/pauses\" class=\"filters\">")
        .append("<label>what <select name=\"kind\" data-testid=\"pause-kind\">");
    if (caller.isOperator()) {
      h.append("<option value=\"pools\">pool</option><option value=\"types\">job type</option>");
    }
    h.append("<option value=\"tenants\">tenant</option></select></label>")
        .append("<label>name <input name=\"name\" data-testid=\"pause-name\" value=\"")
        .append(caller.isOperator() ? "" : Html.esc(caller.tenant().get()))
        .append("\"></label><label>reason <input name=\"reason\"></label>")
        .append("<button data-testid=\"pause\">Pause</button></form>");
    if (caller.isOperator()) {
      h.append("<p class=\"muted\">pools: ")
          .append(Html.esc(String.join(", ", pools)))
          .append(" · job types: ")
          .append(Html.esc(String.join(", ", types)))
          .append("</p>");
    }
    return h.toString();
  }

  static String audit(List<JsonNode> records) {
    StringBuilder h = new StringBuilder("<h1>Audit</h1>");
    h.append(
        "<table class=\"grid\" data-testid=\"audit\"><tr><th>time</th><th>who</th><th>action</th><th>target</th><th>details</th></tr>");
    for (JsonNode r : records) {
      var details = r.deepCopy();
      if (details instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        o.remove(List.of("time", "actor", "action", "target"));
      }
      h.append("<tr data-action=\"")
          .append(Html.esc(r.path("action").asText()))
          .append("\"><td>")
          .append(Html.time(r.path("time").asText("")))
          .append("</td><td>")
          .append(Html.esc(r.path("actor").asText()))
          .append("</td><td>")
          .append(Html.esc(r.path("action").asText()))
          .append("</td><td>")
          .append(Html.esc(r.path("target").asText()))
          .append("</td><td><code>")
          .append(Html.esc(details.toString()))
          .append("</code></td></tr>");
    }
    return h.append("</table>").toString();
  }

  static String button(String action, String label) {
    return "<form method=\"post\" action=\""
        + action
        + "\" class=\"inline\"><button data-testid=\""
        + Html.esc(label.toLowerCase(java.util.Locale.ROOT))
        + "\">"
        + Html.esc(label)
        + "</button></form>";
  }
}
