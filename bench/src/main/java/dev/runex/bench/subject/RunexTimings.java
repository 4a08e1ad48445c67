package dev.runex.bench.subject;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a runex phase's latency went, from runex's own meters: the wait from a job's due time (its
 * intake, for a job due now) to its start, which holds the topology's transactional hops and the
 * worker's fetch; the execution; the worker's commit round trip and how many commits; and the
 * topology's Kafka Streams commits (average latency and count per stream thread). The rest of a
 * job's latency, from its start to its result being read, is the worker's wait for its commit plus
 * that commit and the result reader's fetch. Percentiles are the meters' own (a decaying window of
 * about the last two minutes).
 */
final class RunexTimings {
  private RunexTimings() {}

  static String summary(MeterRegistry meters) {
    List<String> parts = new ArrayList<>();
    parts.add(timer(meters, RunexMeters.JOB_QUEUE_WAIT.meterName(), "due→start"));
    parts.add(timer(meters, RunexMeters.JOB_START_DELAY.meterName(), "of which fetch→start"));
    parts.add(timer(meters, RunexMeters.JOB_EXECUTION.meterName(), "execution"));
    parts.add(timer(meters, RunexMeters.WORKER_COMMIT.meterName(), "worker commit"));
    for (Gauge g : meters.find("kafka.stream.thread.commit.latency.avg").gauges()) {
      // Kafka's cumulative "-total" metrics are bound as function counters
      FunctionCounter total =
          meters
              .find("kafka.stream.thread.commit.total")
              .tag("thread.id", g.getId().getTag("thread.id"))
              .functionCounter();
      parts.add(
          String.format(
              Locale.ROOT,
              "streams commit %s: avg %.1f ms, %s commits",
              shortThread(g.getId().getTag("thread.id")),
              g.value(),
              total == null ? "?" : String.format(Locale.ROOT, "%.0f", total.count())));
    }
    return String.join("; ", parts);
  }

  private static String timer(MeterRegistry meters, String name, String label) {
    long count = 0;
    double max = 0;
    double p50 = 0;
    double p99 = 0;
    double sum = 0;
    for (Timer t : meters.find(name).timers()) {
      HistogramSnapshot s = t.takeSnapshot();
      count += s.count();
      sum += s.total(TimeUnit.MILLISECONDS);
      max = Math.max(max, s.max(TimeUnit.MILLISECONDS));
      for (ValueAtPercentile v : s.percentileValues()) {
        if (v.percentile() == 0.5) {
          p50 = Math.max(p50, v.value(TimeUnit.MILLISECONDS));
        } else if (v.percentile() == 0.99) {
          p99 = Math.max(p99, v.value(TimeUnit.MILLISECONDS));
        }
      }
    }
    return String.format(
        Locale.ROOT,
        "%s: n %d, mean %.1f, p50 %.1f, p99 %.1f, max %.1f ms",
        label,
        count,
        count == 0 ? 0 : sum / count,
        p50,
        p99,
        max);
  }

  private static String shortThread(String threadId) {
    if (threadId == null) {
      return "?";
    }
    int at = threadId.lastIndexOf("-StreamThread");
    String app = at < 0 ? threadId : threadId.substring(0, at);
    return app.endsWith("-status") || app.contains("-status-") ? "status" : "jobs";
  }
}
