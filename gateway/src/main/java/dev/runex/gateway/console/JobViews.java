package dev.runex.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.status.JobQueries;
import dev.runex.schemas.JobPhase;
import java.util.Optional;

/** The jobs search page (with a submit form) and a job's page: timeline, attempts, result. */
final class JobViews {
  private JobViews() {}

  static String search(Caller caller, JobQueries.Listing l, JsonNode page, String error) {
    StringBuilder h = new StringBuilder("<h1>Jobs</h1>");
    h.append("<form class=\"filters\" method=\"get\" action=\"/console/jobs\">");
    if (caller.isOperator()) {
      input(h, "tenant", "tenant", l.tenant());
    }
    input(h, "type", "type", l.type());
    h.append("<label>state <select name=\"state\"><option value=\"\">any</option>");
    for (JobPhase p : JobPhase.values()) {
      h.append("<option")
          .append(p.name().equals(l.state()) ? " selected" : "")
          .append(">")
          .append(p.name())
          .append("</option>");
    }
    h.append("</select></label>");
    input(h, "label", "label (k=v)", l.label());
    input(h, "submittedFrom", "submitted from (ISO)", l.submittedFrom());
    input(h, "submittedTo", "to", l.submittedTo());
    h.append("<button data-testid=\"search-jobs\">Search</button></form>");
    if (error != null) {
      h.append("<p class=\"error\" data-testid=\"error\">").append(Html.esc(error)).append("</p>");
    }
    if (page != null) {
      h.append(
          "<table class=\"grid\" data-testid=\"jobs\"><tr><th>job</th><th>state</th><th>type</th><th>tenant</th>"
              + "<th>attempt</th><th>submitted</th><th>updated</th></tr>");
      for (JsonNode j : page.path("jobs")) {
        String id = j.path("jobId").asText();
        h.append("<tr data-job=\"")
            .append(Html.esc(id))
            .append("\"><td><a href=\"/console/jobs/")
            .append(Html.seg(id))
            .append("\">")
            .append(Html.esc(id))
            .append("</a></td><td class=\"state ")
            .append(Html.esc(j.path("state").asText()))
            .append("\">")
            .append(Html.esc(j.path("state").asText()))
            .append("</td><td>")
            .append(Html.esc(j.path("type").asText("")))
            .append("</td><td>")
            .append(Html.esc(j.path("tenant").asText("")))
            .append("</td><td>")
            .append(j.path("attempt").asInt())
            .append("</td><td>")
            .append(Html.time(j.path("submittedAt").asText("")))
            .append("</td><td>")
            .append(Html.time(j.path("updatedAt").asText("")))
            .append("</td></tr>");
      }
      h.append("</table>");
      JsonNode next = page.path("nextPageToken");
      if (next.isTextual()) {
        h.append("<p><a data-testid=\"next-page\" href=\"/console/jobs?")
            .append(query(l))
            .append("&pageToken=")
            .append(Html.q(next.asText()))
            .append("\">next page</a></p>");
      }
    }
    h.append("<h2>Submit a job</h2>")
        .append("<form method=\"post\" action=\"/console/jobs\" class=\"submit\">")
        .append(
            "<textarea name=\"job\" rows=\"5\" cols=\"80\" data-testid=\"job-json\" placeholder='")
        .append(Html.esc("{\"type\":\"echo\",\"params\":{\"message\":\"hi\"}}"))
        .append("'></textarea>")
        .append("<p class=\"muted\">The JSON intake contract")
        .append(caller.isOperator() ? "" : "; the tenant is " + Html.esc(caller.tenant().get()))
        .append(".</p><button data-testid=\"submit-job\">Submit</button></form>");
    return h.toString();
  }

  private static String query(JobQueries.Listing l) {
    return "tenant="
        + Html.q(l.tenant())
        + "&type="
        + Html.q(l.type())
        + "&state="
        + Html.q(l.state())
        + "&label="
        + Html.q(l.label())
        + "&submittedFrom="
        + Html.q(l.submittedFrom())
        + "&submittedTo="
        + Html.q(l.submittedTo());
  }

  private static void input(StringBuilder h, String name, String label, String value) {
    h.append("<label>")
        .append(Html.esc(label))
        .append(" <input name=\"")
        .append(name)
        .append("\" value=\"")
        .append(Html.esc(value))
        .append("\"></label>");
  }

  /** A job's page: the part htmx refreshes while the job is not finished. */
  static String job(JsonNode st, Optional<JsonNode> result) {
    String id = st.path("jobId").asText();
    boolean terminal = st.path("terminal").asBoolean(false);
    // keep refreshing while it runs, and a little after it finished until its result is read
    boolean refresh = !terminal || (result.isEmpty() && finishedRecently(st));
    StringBuilder h = new StringBuilder();
    h.append("<div id=\"job\"")
        .append(
            !refresh
                ? ""
                : " hx-get=\"/console/jobs/"
                    + Html.seg(id)
                    + "?fragment=1\" hx-trigger=\"every 2s\" hx-swap=\"outerHTML\"")
        .append(">");
    h.append("<h1>Job <code>").append(Html.esc(id)).append("</code></h1>");
    h.append("<dl class=\"figures\">");
    fig(h, "state", st.path("state").asText());
    fig(h, "type", st.path("type").asText(""));
    fig(h, "tenant", st.path("tenant").asText(""));
    fig(h, "attempt", st.path("attempt").asText());
    fig(h, "submitted", Html.time(st.path("submittedAt").asText("")));
    fig(h, "due", Html.time(st.path("dueAt").asText("")));
    fig(h, "started", Html.time(st.path("startedAt").asText("")));
    fig(h, "finished", Html.time(st.path("finishedAt").asText("")));
    fig(h, "worker", st.path("workerId").asText(""));
    h.append("</dl>");
    JsonNode labels = st.path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      h.append("<p>labels: ");
      labels
          .fields()
          .forEachRemaining(
              e ->
                  h.append("<code>")
                      .append(Html.esc(e.getKey()))
                      .append('=')
                      .append(Html.esc(e.getValue().asText()))
                      .append("</code> "));
      h.append("</p>");
    }
    if (!terminal) {
      h.append("<form method=\"post\" action=\"/console/jobs/")
          .append(Html.seg(id))
          .append("/cancel\"><input name=\"reason\" placeholder=\"reason\">")
          .append("<button data-testid=\"cancel-job\">Cancel job</button></form>");
    }
    timeline(h, st);
    h.append("<h2>Result</h2>");
    if (result.isEmpty()) {
      h.append("<p class=\"muted\" data-testid=\"no-result\">")
          .append(
              terminal
                  ? "The result is no longer on the results topic, or not found near its finish time."
                  : "No result yet.")
          .append("</p>");
    } else {
      result(h, result.get());
    }
    h.append("</div>");
    return h.toString();
  }

  private static boolean finishedRecently(JsonNode st) {
    String at = st.path("finishedAt").asText("");
    try {
      return !at.isEmpty()
          && java.time.Instant.parse(at).isAfter(java.time.Instant.now().minusSeconds(120));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void timeline(StringBuilder h, JsonNode st) {
    h.append("<h2>Timeline</h2>");
    int dropped = st.path("historyDropped").asInt();
    if (dropped > 0) {
      h.append("<p class=\"muted\">").append(dropped).append(" older transitions not kept.</p>");
    }
    h.append(
        "<table class=\"grid\" data-testid=\"timeline\"><tr><th>time</th><th>transition</th><th>attempt</th>"
            + "<th>stage</th><th>by</th><th>detail</th></tr>");
    int attempt = -1;
    for (JsonNode t : st.path("history")) {
      int a = t.path("attempt").asInt();
      boolean newAttempt = a != attempt && a > 0;
      attempt = a;
      h.append("<tr data-kind=\"")
          .append(Html.esc(t.path("kind").asText()))
          .append("\"")
          .append(newAttempt ? " class=\"attempt-start\"" : "")
          .append("><td>")
          .append(Html.time(t.path("time").asText("")))
          .append("</td><td>")
          .append(Html.esc(t.path("kind").asText()))
          .append("</td><td>")
          .append(a)
          .append("</td><td>")
          .append(Html.esc(t.path("stage").asText("")))
          .append("</td><td>")
          .append(Html.esc(t.path("workerId").asText("")))
          .append("</td><td>")
          .append(Html.esc(t.path("detail").asText("")))
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void result(StringBuilder h, JsonNode r) {
    h.append("<dl class=\"figures\" data-testid=\"result\">");
    fig(h, "status", r.path("status").asText());
    fig(h, "attempts", r.path("attempts").asText());
    fig(h, "worker", r.path("workerId").asText(""));
    JsonNode u = r.path("usage");
    if (u.isObject()) {
      fig(h, "wall", Html.millis(u.path("wallMs").isNumber() ? u.path("wallMs").asLong() : null));
      fig(h, "CPU", Html.millis(u.path("cpuMs").isNumber() ? u.path("cpuMs").asLong() : null));
      fig(
          h,
          "peak memory",
          u.path("peakMemoryBytes").isNumber()
              ? Html.bytes(u.path("peakMemoryBytes").asLong())
              : "–");
      fig(h, "limit hit", u.path("limit").asText("none"));
      fig(h, "isolation", u.path("isolation").asText(""));
      if (u.path("exitCode").isNumber()) {
        fig(h, "exit code", u.path("exitCode").asText());
      }
      if (u.path("outputTruncated").asBoolean(false)) {
        fig(h, "output", "truncated (" + u.path("outputBytes").asLong() + " bytes produced)");
      }
    }
    h.append("</dl>");
    if (r.hasNonNull("output")) {
      h.append("<h3>Output</h3><pre data-testid=\"output\">")
          .append(Html.esc(r.path("output").asText()))
          .append("</pre>");
    }
    JsonNode err = r.path("error");
    if (err.isObject()) {
      h.append("<h3>Error</h3><p data-testid=\"error\"><code>")
          .append(Html.esc(err.path("code").asText()))
          .append("</code> ")
          .append(Html.esc(err.path("message").asText()))
          .append("</p>");
    }
  }

  private static void fig(StringBuilder h, String label, String value) {
    h.append("<div><dt>")
        .append(Html.esc(label))
        .append("</dt><dd data-field=\"")
        .append(Html.esc(label))
        .append("\">")
        .append(Html.esc(value))
        .append("</dd></div>");
  }
}
