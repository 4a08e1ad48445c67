package dev.runex.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.overview.Backlog;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.overview.PoolStats;
import dev.runex.schemas.json.AvroJson;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pages escape everything that comes from users and topics. */
class ConsoleHtmlTest {
  private static final String EVIL = "<script>alert('x')</script>";

  @Test
  void aJobPageEscapesIdsDetailsAndOutput() throws Exception {
    JsonNode status =
        AvroJson.MAPPER.readTree(
            """
            {"jobId":"<script>alert('x')</script>","tenant":"acme","type":"echo","state":"FAILED",
             "terminal":true,"attempt":1,"history":[{"kind":"FAILED","time":"2026-01-01T00:00:00Z",
             "attempt":1,"stage":"execution","detail":"<img src=x onerror=alert(1)>"}],
             "labels":{"<b>":"<i>"}}""");
    JsonNode result =
        AvroJson.MAPPER.readTree(
            """
            {"status":"FAILED","attempts":1,"output":"<script>alert('x')</script>",
             "error":{"code":"E","message":"<script>alert('x')</script>"},
             "usage":{"wallMs":1200,"cpuMs":10,"peakMemoryBytes":2048,"limit":"MEMORY_LIMIT"}}""");

    String html = JobViews.job(status, Optional.of(result));

    assertThat(html).doesNotContain(EVIL, "<img", "<b>", "<i>");
    assertThat(html).contains("&lt;script&gt;", "MEMORY_LIMIT", "1.2 s", "2.0 KB");
  }

  @Test
  void theOverviewShowsEachPriorityAndEscapesPausedReasons() {
    String html = OverviewView.fragment(overview(null));

    assertThat(html).doesNotContain(EVIL).contains("&lt;script&gt;");
    assertThat(html)
        .contains("data-priority=\"normal\"", ">7<", "1 min 35 s", "≈12000", "<svg", "10.0 %");
    assertThat(html).contains("paused by pool:default (every priority)");
  }

  @Test
  void eachPriorityRowHasItsOwnFiguresBeneathThePoolsRow() {
    String html = OverviewView.fragment(overview(null));

    assertThat(html.indexOf("data-row=\"pool\""))
        .isPositive()
        .isLessThan(html.indexOf("data-priority=\"high\""));
    assertThat(html.indexOf("data-priority=\"high\""))
        .isLessThan(html.indexOf("data-priority=\"normal\""));
    assertThat(html.indexOf("data-priority=\"normal\""))
        .isLessThan(html.indexOf("data-priority=\"low\""));
    assertThat(cell(row(html, "data-row=\"pool\""), "started-rate")).isEqualTo("0.50");
    assertThat(cell(row(html, "data-row=\"pool\""), "waiting")).isEqualTo("≈12007");
    assertThat(cell(row(html, "data-priority=\"high\""), "started-rate")).isEqualTo("0.30");
    assertThat(cell(row(html, "data-priority=\"normal\""), "started-rate")).isEqualTo("0.20");
    assertThat(cell(row(html, "data-priority=\"normal\""), "waiting")).isEqualTo("7");
    assertThat(cell(row(html, "data-priority=\"low\""), "started-rate")).isEqualTo("0.00");
    assertThat(row(html, "data-priority=\"high\"").split("<svg", -1)).hasSize(3);
  }

  @Test
  void aTenantsOverviewHasNoBacklogInAnyRow() {
    String html = OverviewView.fragment(overview("acme"));

    for (String r :
        List.of("data-row=\"pool\"", "data-priority=\"high\"", "data-priority=\"low\"")) {
      assertThat(cell(row(html, r), "waiting")).isEqualTo("–");
      assertThat(cell(row(html, r), "oldest")).isEqualTo("–");
    }
    assertThat(row(html, "data-priority=\"high\"").split("<svg", -1)).hasSize(2);
  }

  /** The table row whose opening tag has {@code attribute}, up to its end. */
  private static String row(String html, String attribute) {
    int at = html.indexOf(attribute);
    assertThat(at).as(attribute).isPositive();
    int start = html.lastIndexOf("<tr", at);
    return html.substring(start, html.indexOf("</tr>", at));
  }

  private static String cell(String row, String metric) {
    Matcher m = Pattern.compile("data-metric=\"" + metric + "\">([^<]*)<").matcher(row);
    assertThat(m.find()).as(metric).isTrue();
    return m.group(1);
  }

  private static Overview overview(String tenant) {
    PoolStats stats = stats(0.5);
    List<Backlog> backlog =
        tenant != null
            ? List.of()
            : List.of(
                new Backlog("default", "high", 0, null, true),
                new Backlog("default", "normal", 7, Duration.ofSeconds(95), true),
                new Backlog("default", "low", 12_000, Duration.ofMinutes(3), false));
    List<Overview.Priority> priorities =
        List.of(
            new Overview.Priority("high", find(backlog, "high"), stats(0.3)),
            new Overview.Priority("normal", find(backlog, "normal"), stats(0.2)),
            new Overview.Priority("low", find(backlog, "low"), stats(0)));
    return new Overview(
        Instant.now(),
        tenant,
        List.of(new Overview.Pool("default", backlog, stats, priorities, List.of("pool:default"))),
        List.of(new Overview.Paused("pool:default", "gateway:ops", Instant.now(), EVIL)));
  }

  private static Backlog find(List<Backlog> backlog, String priority) {
    return backlog.stream().filter(b -> b.priority().equals(priority)).findFirst().orElse(null);
  }

  private static PoolStats stats(double started) {
    return new PoolStats(
        2,
        1,
        0,
        started,
        0.25,
        12L,
        40L,
        900L,
        1500L,
        0.1,
        List.of(new PoolStats.Point(0, 1, 1, 3, 2), new PoolStats.Point(5000, 2, 0, -1, -1)));
  }

  @Test
  void sparklinesBreakWhereNothingWasSampled() {
    String svg = Sparkline.svg("x", new double[][] {{1, 2, -1, -1, 3, 4}}, new String[] {"s1"}, "");

    assertThat(svg.split("<polyline", -1)).hasSize(3);
    assertThat(svg).contains("max 4");
  }
}
