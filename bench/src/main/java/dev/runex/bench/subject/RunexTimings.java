package dev.runex.bench.subject;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a runex phase's latency went, from runex's own meters: the wait from a job's due time (its
 * intake, for a job due now) to its start, which holds the topology's transactional hops and the
 * worker's fetch; the execution; the worker's commit round trip and how many commits; and the
 * topology's Kafka Streams commits (average latency and count per stream thread). The rest of a
 * job's latency, from its start to its result being read, is the worker's wait for its commit plus
 * that commit and the result reader's fetch. Timers are histograms (runex's buckets from 1 ms to 1
 * h, over a window of about the last two minutes): their p50 and p99 here are estimated within a
 * bucket as Prometheus's {@code histogram_quantile} estimates them, so they are as coarse as the
 * buckets (marked {@code ~}).
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
    double sum = 0;
    // cumulative counts per bucket bound (ms), summed over the timer's tags
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Timer t : meters.find(name).timers()) {
      HistogramSnapshot s = t.takeSnapshot();
      count += s.count();
      sum += s.total(TimeUnit.MILLISECONDS);
      max = Math.max(max, s.max(TimeUnit.MILLISECONDS));
      for (CountAtBucket b : s.histogramCounts()) {
        buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
      }
    }
    return String.format(
        Locale.ROOT,
        "%s: n %d, mean %.1f, p50 ~%.1f, p99 ~%.1f, max %.1f ms",
        label,
        count,
        count == 0 ? 0 : sum / count,
        quantile(buckets, count, 0.5, max),
        quantile(buckets, count, 0.99, max),
        max);
  }

  /**
   * The {@code q} quantile estimated from cumulative bucket counts as Prometheus's {@code
   * histogram_quantile} does it: linear within the bucket it falls in (the buckets are runex's
   * timer buckets, 1 ms to 1 h), capped at the largest value seen. 0 without values.
   */
  static double quantile(
      NavigableMap<Double, Double> cumulative, long count, double q, double max) {
    if (count == 0) {
      return 0;
    }
    double rank = q * count;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : cumulative.entrySet()) {
      if (b.getValue() >= rank) {
        double inBucket = b.getValue() - lowerCount;
        double at =
            inBucket <= 0
                ? b.getKey()
                : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
        return Math.min(at, max);
      }
      lowerBound = b.getKey();
      lowerCount = b.getValue();
    }
    return max; // beyond the largest bucket
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
