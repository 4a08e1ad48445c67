package dev.runex.bench.torture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak run's parsers, pure text to numbers: a process's {@code /proc/<pid>/status}, the lines
 * of a JVM's GC log ({@code -Xlog:gc}), a JVM's class histogram ({@code jcmd <pid>
 * GC.class_histogram}), a JVM's native memory against its baseline ({@code jcmd <pid>
 * VM.native_memory summary.diff}), and a Prometheus scrape (the runtime processes' {@code
 * /metrics}), from which the state stores' key counts are read.
 */
final class SoakReadings {
  /** Kafka Streams' RocksDB property metric, per store and task, as Micrometer names it. */
  static final String STORE_KEYS = "kafka_stream_state_estimate_num_keys";

  /**
   * Kafka Streams' RocksDB block cache usage, per store and task; with runex's one cache shared by
   * every store of a process, each reports that whole cache (memtables charged to it included).
   */
  static final String BLOCK_CACHE_USAGE = "kafka_stream_state_block_cache_usage";

  private static final String STORE_LABEL = "store";

  private static final Pattern GC_PAUSE =
      Pattern.compile("\\bPause\\b.*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern HISTOGRAM_ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern HISTOGRAM_TOTAL =
      Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
  private static final Pattern NATIVE_CATEGORY =
      Pattern.compile(
          "^-\\s+(.+?) \\(reserved=\\d+KB(?: [+-]\\d+KB)?, committed=(\\d+)KB(?: ([+-]\\d+)KB)?\\)");
  private static final Pattern METRIC =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private SoakReadings() {}

  /** A process's resident memory and thread count. */
  record ProcStatus(long rssKb, int threads) {}

  /**
   * {@code VmRSS} (kB) and {@code Threads} of a {@code /proc/<pid>/status} text.
   *
   * @throws IllegalArgumentException when either is missing (a zombie has no VmRSS)
   */
  static ProcStatus procStatus(String text) {
    Long rss = null;
    Integer threads = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.substring(8).trim());
      }
    }
    if (rss == null || threads == null) {
      throw new IllegalArgumentException("no VmRSS or Threads in /proc status");
    }
    return new ProcStatus(rss, threads);
  }

  /**
   * The heap after each collection pause in {@code -Xlog:gc} lines, in bytes, in order: {@code [..]
   * GC(7) Pause Young (Normal) (G1 Evacuation Pause) 50M->20M(256M) 3.1ms} gives 20 MiB. Other
   * lines (concurrent phases, the JVM's start) are skipped.
   */
  static List<Long> heapAfterGc(String gcLog) {
    List<Long> out = new ArrayList<>();
    for (String line : gcLog.split("\n")) {
      Matcher m = GC_PAUSE.matcher(line);
      if (m.find()) {
        out.add(bytes(Long.parseLong(m.group(3)), m.group(4)));
      }
    }
    return out;
  }

  /**
   * The committed heap (the size in parentheses) after the last collection pause of {@code
   * -Xlog:gc} lines, in bytes: {@code 50M->20M(256M)} gives 256 MiB; null when there is none.
   */
  static Long committedHeap(String gcLog) {
    Long last = null;
    for (String line : gcLog.split("\n")) {
      Matcher m = GC_PAUSE.matcher(line);
      if (m.find()) {
        last = bytes(Long.parseLong(m.group(5)), m.group(6));
      }
    }
    return last;
  }

  private static long bytes(long n, String unit) {
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }

  /** The live objects of one class in a {@code GC.class_histogram}. */
  record ClassBytes(String className, long instances, long bytes) {}

  /**
   * The classes of a {@code jcmd <pid> GC.class_histogram} text, by name (the module suffix left
   * out, so the same class compares across JVM versions): {@code 1: 13030 793880 [B
   * (java.base@17.0.15)}. The {@code Total} line is {@link #histogramTotal}.
   */
  static Map<String, ClassBytes> histogram(String text) {
    Map<String, ClassBytes> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = HISTOGRAM_ROW.matcher(line);
      if (m.find()) {
        String name = m.group(3);
        out.merge(
            name,
            new ClassBytes(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            (x, y) -> new ClassBytes(name, x.instances() + y.instances(), x.bytes() + y.bytes()));
      }
    }
    return out;
  }

  /**
   * The live heap a {@code GC.class_histogram} found, in bytes (its {@code Total} line; the command
   * runs a full collection first).
   *
   * @throws IllegalArgumentException when there is no {@code Total} line (the JVM refused)
   */
  static long histogramTotal(String text) {
    Matcher m = HISTOGRAM_TOTAL.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no Total line in the class histogram");
    }
    return Long.parseLong(m.group(2));
  }

  /**
   * The {@code n} classes whose live bytes grew most from {@code first} to {@code last} (a class
   * missing from one counts as zero there), largest growth first; none that did not grow.
   */
  static List<ClassBytes> grownMost(
      Map<String, ClassBytes> first, Map<String, ClassBytes> last, int n) {
    List<ClassBytes> grown = new ArrayList<>();
    last.forEach(
        (name, now) -> {
          ClassBytes was = first.get(name);
          long wasBytes = was == null ? 0 : was.bytes();
          long wasCount = was == null ? 0 : was.instances();
          if (now.bytes() > wasBytes) {
            grown.add(new ClassBytes(name, now.instances() - wasCount, now.bytes() - wasBytes));
          }
        });
    grown.sort(java.util.Comparator.comparingLong(ClassBytes::bytes).reversed());
    return grown.subList(0, Math.min(n, grown.size()));
  }

  /** One category of a JVM's native memory: committed now, and its change since the baseline. */
  record NativeCategory(String name, long committedKb, long changeKb) {}

  /**
   * The categories of a {@code jcmd <pid> VM.native_memory summary.diff scale=KB} text ({@code -
   * Code (reserved=247874KB +12KB, committed=7734KB +2048KB)}; no change shown means none), largest
   * growth of committed memory first.
   *
   * @throws IllegalArgumentException when there is no category (tracking is off, or no baseline)
   */
  static List<NativeCategory> nativeMemoryDiff(String text) {
    List<NativeCategory> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = NATIVE_CATEGORY.matcher(line);
      if (m.find()) {
        long change = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        out.add(new NativeCategory(m.group(1), Long.parseLong(m.group(2)), change));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "no native memory categories (is -XX:NativeMemoryTracking on?): " + text.strip());
    }
    out.sort(java.util.Comparator.comparingLong(NativeCategory::changeKb).reversed());
    return out;
  }

  /** One sample of a Prometheus text exposition. */
  record Metric(String name, Map<String, String> labels, double value) {}

  /** Every sample of a Prometheus text exposition; comments and malformed lines are skipped. */
  static List<Metric> prometheus(String text) {
    List<Metric> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = METRIC.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      double value;
      try {
        value = Double.parseDouble(m.group(3));
      } catch (NumberFormatException e) {
        continue;
      }
      out.add(new Metric(m.group(1), labels, value));
    }
    return out;
  }

  /**
   * The estimated keys of each RocksDB store (summed over its tasks), by store name: the value of
   * the {@code store} label runex's registries give every store meter ({@code StoreMetricTags}).
   * NaN samples (a store being closed) are left out.
   */
  /**
   * Bytes in the RocksDB block cache of a process: the largest {@link #BLOCK_CACHE_USAGE} of its
   * stores (each store of a shared cache reports all of it, so they are not added up), or null when
   * no store reports one.
   */
  static Double blockCacheBytes(List<Metric> metrics) {
    Double max = null;
    for (Metric m : metrics) {
      if (m.name().equals(BLOCK_CACHE_USAGE) && !Double.isNaN(m.value())) {
        max = max == null ? m.value() : Math.max(max, m.value());
      }
    }
    return max;
  }

  static Map<String, Double> storeKeys(List<Metric> metrics) {
    Map<String, Double> out = new TreeMap<>();
    for (Metric m : metrics) {
      if (!m.name().equals(STORE_KEYS) || Double.isNaN(m.value())) {
        continue;
      }
      String store = m.labels().get(STORE_LABEL);
      if (store != null) {
        out.merge(store, m.value(), Double::sum);
      }
    }
    return out;
  }
}
