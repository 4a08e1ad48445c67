package dev.runex.gateway.console;

import dev.runex.gateway.access.Caller;
import dev.runex.gateway.deadletter.DeadLetterEntry;
import dev.runex.gateway.deadletter.DeadLetterReplayer;
import dev.runex.gateway.deadletter.ReplayRun;
import java.util.List;

/** Dead letters: browse and filter, inspect one, dry-run and replay (paced, limited), progress. */
final class DeadLetterViews {
  static final int PAGE = 200;

  private DeadLetterViews() {}

  /** The raw filter as typed, so the form shows it back. */
  record Filter(
      String tenant, String type, String code, String stage, String from, String to, String text) {}

  static String list(Caller caller, Filter f, List<DeadLetterEntry> found, long notHeld) {
    StringBuilder h = new StringBuilder("<h1>Dead letters</h1>");
    h.append("<form class=\"filters\" method=\"get\" action=\"/console/dead-letters\">");
    if (caller.isOperator()) {
      input(h, "tenant", f.tenant());
    }
    input(h, "type", f.type());
    input(h, "code", f.code());
    h.append("<label>stage <select name=\"stage\">");
    for (String s : new String[] {"", "intake", "execution"}) {
      h.append("<option value=\"")
          .append(s)
          .append("\"")
          .append(s.equals(f.stage() == null ? "" : f.stage()) ? " selected" : "")
          .append(">")
          .append(s.isEmpty() ? "any" : s)
          .append("</option>");
    }
    h.append("</select></label>");
    input(h, "from", f.from());
    input(h, "to", f.to());
    input(h, "text", f.text());
    h.append("<button data-testid=\"filter-dead-letters\">Filter</button></form>");
    h.append("<p class=\"muted\"><span data-testid=\"dead-letter-count\">")
        .append(found.size())
        .append("</span> matching")
        .append(found.size() > PAGE ? ", newest " + PAGE + " shown" : "")
        .append(notHeld > 0 ? "; " + notHeld + " older ones are on the topic only (runex dlq)" : "")
        .append("</p>");
    h.append("<form method=\"post\" action=\"/console/dead-letters/replay\">");
    hiddenFilter(h, f);
    h.append(
        "<table class=\"grid\" data-testid=\"dead-letters\"><tr><th></th><th>failed</th><th>job</th><th>tenant</th>"
            + "<th>type</th><th>stage</th><th>code</th><th>message</th></tr>");
    for (DeadLetterEntry e : found.subList(0, Math.min(PAGE, found.size()))) {
      h.append("<tr data-ref=\"")
          .append(Html.esc(e.ref()))
          .append("\"><td><input type=\"checkbox\" name=\"ref\" value=\"")
          .append(Html.esc(e.ref()))
          .append("\"></td><td>")
          .append(Html.time(e.failedAt()))
          .append("</td><td><a href=\"/console/dead-letters/")
          .append(Html.seg(e.ref()))
          .append("\">")
          .append(Html.esc(e.jobId()))
          .append("</a></td><td>")
          .append(Html.esc(e.tenant()))
          .append("</td><td>")
          .append(Html.esc(e.type()))
          .append("</td><td>")
          .append(Html.esc(e.stage()))
          .append("</td><td><code>")
          .append(Html.esc(e.code()))
          .append("</code></td><td>")
          .append(Html.esc(e.message()))
          .append("</td></tr>");
    }
    h.append("</table>");
    replayControls(h);
    h.append("</form>");
    return h.toString();
  }

  private static void replayControls(StringBuilder h) {
    h.append(
            "<fieldset class=\"replay\"><legend>Replay the checked ones (none checked: every match)</legend>")
        .append(
            "<label>rate (jobs/s) <input name=\"rate\" value=\"10\" size=\"5\" data-testid=\"replay-rate\"></label>")
        .append(
            "<label>at most <input name=\"limit\" size=\"5\" data-testid=\"replay-limit\"></label>")
        .append("<button name=\"mode\" value=\"dry-run\" data-testid=\"dry-run\">Dry run</button>")
        .append("</fieldset>");
  }

  private static void hiddenFilter(StringBuilder h, Filter f) {
    hidden(h, "tenant", f.tenant());
    hidden(h, "type", f.type());
    hidden(h, "code", f.code());
    hidden(h, "stage", f.stage());
    hidden(h, "from", f.from());
    hidden(h, "to", f.to());
    hidden(h, "text", f.text());
  }

  /** The dry run's answer: what would be replayed, and a button to do it. */
  static String plan(
      DeadLetterReplayer.Plan plan, Filter f, List<String> refs, double rate, Integer limit) {
    StringBuilder h = new StringBuilder("<h1>Replay: dry run</h1>");
    h.append("<p data-testid=\"dry-run-result\">Would replay <b data-testid=\"dry-run-count\">")
        .append(plan.items().size())
        .append("</b> dead letter(s)")
        .append(plan.matched() > plan.items().size() ? " (of " + plan.matched() + " matching)" : "")
        .append(" at ")
        .append(Html.rate(rate))
        .append(" jobs/s, taking about ")
        .append(
            Html.duration(java.time.Duration.ofMillis((long) (plan.items().size() / rate * 1000))))
        .append(".</p>");
    h.append(
        "<table class=\"grid\" data-testid=\"plan\"><tr><th>ref</th><th>job</th><th>code</th><th>message</th></tr>");
    for (DeadLetterEntry e : plan.items()) {
      h.append("<tr data-ref=\"")
          .append(Html.esc(e.ref()))
          .append("\"><td>")
          .append(Html.esc(e.ref()))
          .append("</td><td>")
          .append(Html.esc(e.jobId()))
          .append("</td><td><code>")
          .append(Html.esc(e.code()))
          .append("</code></td><td>")
          .append(Html.esc(e.message()))
          .append("</td></tr>");
    }
    h.append("</table>");
    if (!plan.items().isEmpty()) {
      h.append("<form method=\"post\" action=\"/console/dead-letters/replay\">");
      hiddenFilter(h, f);
      for (String r : refs) {
        hidden(h, "ref", r);
      }
      hidden(h, "rate", Double.toString(rate));
      hidden(h, "limit", limit == null ? "" : limit.toString());
      h.append("<button name=\"mode\" value=\"replay\" data-testid=\"replay\">Replay ")
          .append(plan.items().size())
          .append(" now</button></form>");
    }
    return h.toString();
  }

  static String detail(DeadLetterEntry e, String topic) {
    StringBuilder h = new StringBuilder("<h1>Dead letter <code>");
    h.append(Html.esc(e.ref())).append("</code></h1><dl class=\"figures\">");
    fig(h, "job", e.jobId());
    fig(h, "tenant", e.tenant());
    fig(h, "type", e.type());
    fig(h, "stage", e.stage());
    fig(h, "code", e.code());
    fig(h, "failed", Html.time(e.failedAt()));
    fig(h, "attempts", e.value().path("attempts").asText());
    fig(h, "coordinates", e.coordinates(topic));
    h.append("</dl><p data-testid=\"dl-message\">").append(Html.esc(e.message())).append("</p>");
    e.originalBytes()
        .ifPresent(
            bytes ->
                h.append("<h2>Original record</h2>")
                    .append(
                        e.originalText()
                            .map(
                                t -> "<pre data-testid=\"original-text\">" + Html.esc(t) + "</pre>")
                            .orElse(
                                "<p>binary, base64:</p><pre data-testid=\"original-base64\">"
                                    + Html.esc(java.util.Base64.getEncoder().encodeToString(bytes))
                                    + "</pre>")));
    h.append("<form method=\"post\" action=\"/console/dead-letters/replay\">");
    hidden(h, "ref", e.ref());
    replayControls(h);
    h.append("</form>");
    h.append("<h2>As written</h2><pre>")
        .append(Html.esc(e.value().toPrettyString()))
        .append("</pre>");
    return h.toString();
  }

  static String run(ReplayRun r) {
    boolean running = r.state() == ReplayRun.State.RUNNING;
    StringBuilder h = new StringBuilder("<div id=\"run\"");
    if (running) {
      h.append(" hx-get=\"/console/replays/")
          .append(Html.seg(r.id()))
          .append("?fragment=1\" hx-trigger=\"every 1s\" hx-swap=\"outerHTML\"");
    }
    h.append("><h1>Replay <code>").append(Html.esc(r.id())).append("</code></h1>");
    h.append("<p>state <b data-testid=\"replay-state\">")
        .append(r.state())
        .append("</b> · replayed <b data-testid=\"replayed\">")
        .append(r.replayed())
        .append("</b> of ")
        .append(r.items().size())
        .append("</p><ul data-testid=\"replayed-jobs\">");
    var json = r.toJson();
    json.path("jobIds")
        .forEach(
            id ->
                h.append("<li><a href=\"/console/jobs/")
                    .append(Html.seg(id.asText()))
                    .append("\">")
                    .append(Html.esc(id.asText()))
                    .append("</a></li>"));
    h.append("</ul>");
    if (json.hasNonNull("error")) {
      h.append("<p class=\"error\">").append(Html.esc(json.path("error").asText())).append("</p>");
    }
    return h.append("</div>").toString();
  }

  private static void input(StringBuilder h, String name, String value) {
    h.append("<label>")
        .append(name)
        .append(" <input name=\"")
        .append(name)
        .append("\" value=\"")
        .append(Html.esc(value))
        .append("\"></label>");
  }

  private static void hidden(StringBuilder h, String name, String value) {
    if (value != null && !value.isEmpty()) {
      h.append("<input type=\"hidden\" name=\"")
          .append(name)
          .append("\" value=\"")
          .append(Html.esc(value))
          .append("\">");
    }
  }

  private static void fig(StringBuilder h, String label, String value) {
    h.append("<div><dt>")
        .append(label)
        .append("</dt><dd>")
        .append(Html.esc(value))
        .append("</dd></div>");
  }
}
