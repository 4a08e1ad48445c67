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
    PoolStats stats =
        new PoolStats(
            2,
            1,
            0,
            0.5,
            0.25,
            12L,
            40L,
            900L,
            1500L,
            0.1,
            List.of(new PoolStats.Point(0, 1, 1, 3, 2), new PoolStats.Point(5000, 2, 0, -1, -1)));
    Overview o =
        new Overview(
            Instant.now(),
            null,
            List.of(
                new Overview.Pool(
                    "default",
                    List.of(
                        new Backlog("default", "high", 0, null, true),
                        new Backlog("default", "normal", 7, Duration.ofSeconds(95), true),
                        new Backlog("default", "low", 12_000, Duration.ofMinutes(3), false)),
                    stats)),
            List.of(new Overview.Paused("pool:default", "gateway:ops", Instant.now(), EVIL)));

    String html = OverviewView.fragment(o);

    assertThat(html).doesNotContain(EVIL).contains("&lt;script&gt;");
    assertThat(html)
        .contains("data-priority=\"normal\"", ">7<", "1 min 35 s", "≈12000", "<svg", "10.0 %");
  }

  @Test
  void sparklinesBreakWhereNothingWasSampled() {
    String svg = Sparkline.svg("x", new double[][] {{1, 2, -1, -1, 3, 4}}, new String[] {"s1"}, "");

    assertThat(svg.split("<polyline", -1)).hasSize(3);
    assertThat(svg).contains("max 4");
  }
}
