package dev.runex.bench.torture;

import dev.runex.bench.torture.SoakTrend.Kind;
import dev.runex.bench.torture.SoakTrend.Point;
import dev.runex.bench.torture.SoakTrend.Verdict;
import dev.runex.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak run: broker, registry, one topology and two workers as separate processes ({@link
 * Cluster}), the fault runner's mixed load ({@link Load}: quick, slow, retried, dead-lettered,
 * delayed, process and idempotency-keyed jobs) at a fixed rate plus delayed jobs cancelled on the
 * control topic ({@link SoakCancels}), sampled every few seconds ({@link SoakSampler}), each JVM's
 * live heap every minute ({@link LiveHeaps}), for a fixed time; what grew outside each JVM's heap
 * is read from the JVM's native memory tracking at the end ({@link NativeMemory}). The retention
 * windows are set short (status, idempotency keys, cancels) so the state they bound reaches its
 * steady size within the warm-up; after it, every series must be flat ({@link SoakTrend}). Writes
 * {@code samples.csv} and {@code soak.png}, prints the verdicts; exit status 1 when a series grows
 * or something was left behind.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "Soak: a fixed mixed load for a fixed time; samples every process and store.")
public final class SoakRun implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(SoakRun.class);
  private static final String PREFIX = "soak.";
  private static final List<String> TOPOLOGIES = List.of("topology");

  /** Retention windows short enough for the state they bound to level off in the warm-up. */
  static final List<String> RETENTION =
      List.of(
          Settings.TOPOLOGY_STATUS_RETENTION.key() + "=2m",
          Settings.INTAKE_IDEMPOTENCY_WINDOW.key() + "=2m",
          Settings.CONTROL_CANCEL_RETENTION.key() + "=1m");

  @Option(
      names = "--minutes",
      defaultValue = "30",
      description = "Load time (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--rate",
      defaultValue = "50",
      description = "Jobs submitted per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--cancel-rate",
      defaultValue = "1",
      description = "Delayed jobs submitted and cancelled per second (default: ${DEFAULT-VALUE}).")
  int cancelRate;

  @Option(
      names = "--sample-seconds",
      defaultValue = "10",
      description = "Time between samples (default: ${DEFAULT-VALUE}).")
  int sampleSeconds;

  @Option(
      names = "--live-heap-seconds",
      defaultValue = "60",
      description =
          "Time between live-heap readings: a full collection and class histogram of every JVM"
              + " (jcmd GC.class_histogram); 0 for none (default: ${DEFAULT-VALUE}).")
  int liveHeapSeconds;

  @Option(
      names = "--warmup-minutes",
      defaultValue = "5",
      description =
          "Samples left out of the verdicts at the start (default: ${DEFAULT-VALUE}; longer than"
              + " the 2-minute retention windows).")
  double warmupMinutes;

  @Option(
      names = "--workers-slots",
      defaultValue = "16",
      description = "Slots of each of the two workers (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--out",
      defaultValue = "bench/target/soak",
      description =
          "Folder for samples.csv, soak.png and the JVMs' GC logs, gc/ (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--gc-logs",
      description =
          "Folder of the JVMs' GC logs, gc-<pid>.log (bench/run.sh soak sets -Xlog:gc for every"
              + " JVM it starts); without it there is no heap-after-GC series.")
  Path gcLogs;

  @Option(
      names = "--judge",
      paramLabel = "SAMPLES_CSV",
      description =
          "Start nothing: judge the samples.csv of an earlier run again, with this run's"
              + " --warmup-minutes (a state that takes longer than the warm-up to settle shows as"
              + " growing).")
  Path judge;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SoakRun()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (judge != null) {
      List<Map<String, Double>> samples = readCsv(judge);
      List<Verdict> verdicts = verdicts(series(samples), warmupMinutes * 60);
      System.out.printf(
          Locale.ROOT,
          "%s: %d samples; verdicts on the samples after a %.0f-minute warm-up, first third against"
              + " last%n",
          judge,
          samples.size(),
          warmupMinutes);
      printVerdicts(verdicts);
      return verdicts.stream().anyMatch(Verdict::growing) ? 1 : 0;
    }
    Files.createDirectories(out);
    Set<Long> before = TortureRun.descendants();
    Path dir;
    List<Map<String, Double>> samples = new ArrayList<>();
    List<String> restarts;
    List<String> nativeReport;
    NativeMemory nativeMemory = new NativeMemory(out.resolve("native"));
    LiveHeaps liveHeaps = liveHeapSeconds > 0 ? new LiveHeaps(out.resolve("histograms")) : null;
    Cluster.Layout layout =
        new Cluster.Layout(TOPOLOGIES, List.of("w1", "w2"), slots, RETENTION, true);
    try (FaultEndpoint endpoint = new FaultEndpoint();
        Cluster cluster = new Cluster(endpoint, PREFIX, 4, layout)) {
      dir = cluster.dir;
      String bootstrap = cluster.cfg.bootstrapServers();
      try (Load load = new Load(bootstrap, cluster.cfg.topics().intake().name(), PREFIX, 1L);
          SoakCancels cancels = new SoakCancels(cluster.cfg, PREFIX);
          SoakSampler sampler =
              new SoakSampler(cluster, PREFIX, gcLogs, () -> load.accepted.size())) {
        awaitWarmupResult(cluster, load);
        long start = System.nanoTime();
        long until = start + (long) (minutes * 60e9);
        log.info(
            "stack running; {} jobs/s for {} min, a sample every {} s",
            rate,
            minutes,
            sampleSeconds);
        Thread loadThread = new Thread(() -> load.run(rate, until), "soak-load");
        Thread cancelThread = new Thread(() -> cancels.run(cancelRate, until), "soak-cancels");
        loadThread.start();
        cancelThread.start();
        long next = start;
        double nextLiveHeap = 0;
        while (System.nanoTime() < until) {
          cluster.supervise();
          double at = (System.nanoTime() - start) / 1e9;
          Map<String, Double> s = new TreeMap<>(sampler.sample(TOPOLOGIES));
          if (liveHeaps != null && at >= nextLiveHeap) {
            s.putAll(liveHeaps.take(cluster.pids(), at >= warmupMinutes * 60));
            nextLiveHeap += liveHeapSeconds;
          }
          if (at >= warmupMinutes * 60) {
            nativeMemory.baseline(cluster.pids());
          }
          s.put("t/seconds", at);
          samples.add(s);
          log.info(
              "sample {} at {} s: {} jobs, backlog {}",
              samples.size(),
              Math.round(s.get("t/seconds")),
              s.get("jobs/submitted").longValue(),
              s.get("backlog/worker"));
          next += sampleSeconds * 1_000_000_000L;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000); // the sampling period
          }
        }
        nativeReport = nativeMemory.report(cluster.pids(), 5);
        load.stop();
        loadThread.join();
        cancelThread.join();
        restarts = List.copyOf(cluster.unplannedExits());
      }
    }
    List<String> leftovers = new ArrayList<>();
    Set<Long> after = TortureRun.descendants();
    after.removeAll(before);
    after.forEach(pid -> leftovers.add("process " + pid + " still running"));
    if (Files.exists(dir)) {
      leftovers.add("folder " + dir + " left on disk");
    }
    Map<String, List<Point>> series = series(samples);
    writeCsv(samples, out.resolve("samples.csv"));
    keepGcLogs();
    SoakChart.write(
        series,
        String.format(
            Locale.ROOT,
            "runex soak: %d jobs/s + %d cancels/s for %.0f min, sampled every %d s",
            rate,
            cancelRate,
            minutes,
            sampleSeconds),
        out.resolve("soak.png"));
    List<Verdict> verdicts = verdicts(series, warmupMinutes * 60);
    print(verdicts, samples, restarts, leftovers);
    if (liveHeaps != null) {
      System.out.println();
      liveHeaps.report(5).forEach(System.out::println);
      System.out.println("class histograms: " + out.resolve("histograms"));
    }
    System.out.println();
    nativeReport.forEach(System.out::println);
    System.out.println("native memory against the baseline: " + out.resolve("native"));
    boolean growing = verdicts.stream().anyMatch(Verdict::growing);
    return growing || !leftovers.isEmpty() ? 1 : 0;
  }

  /**
   * Copies the GC logs beside the samples: the folder bench/run.sh logs them to is removed when the
   * run ends, and they are what a reader checks a heap reading (or a rise outside the heap)
   * against.
   */
  private void keepGcLogs() throws IOException {
    if (gcLogs == null || !Files.isDirectory(gcLogs)) {
      return;
    }
    Path kept = Files.createDirectories(out.resolve("gc"));
    try (var logs = Files.list(gcLogs)) {
      for (Path log : (Iterable<Path>) logs::iterator) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private void awaitWarmupResult(Cluster cluster, Load load) throws InterruptedException {
    try (ResultWatch watch =
        new ResultWatch(cluster.cfg.bootstrapServers(), cluster.cfg.topics().results())) {
      load.warmup("soak-warmup");
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (!watch.firstSeenNanos.containsKey("soak-warmup")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the stack did not run a warm-up job in 4 minutes");
        }
        cluster.supervise();
        Thread.sleep(1_000); // polling for the positive signal
      }
    }
  }

  /** Each {@code group/name} series over time, {@code t/seconds} being the time. */
  static Map<String, List<Point>> series(List<Map<String, Double>> samples) {
    Map<String, List<Point>> series = new TreeMap<>();
    for (Map<String, Double> s : samples) {
      double t = s.get("t/seconds");
      s.forEach(
          (k, v) -> {
            if (!k.equals("t/seconds")) {
              series.computeIfAbsent(k, x -> new ArrayList<>()).add(new Point(t, v));
            }
          });
    }
    return series;
  }

  /**
   * Series kept in the samples and the chart but not judged: the job counter, RocksDB's key
   * estimates (the changelogs' exact counts are judged), the heap after young collections (it
   * carries old-generation garbage until a concurrent cycle; the live heap is judged instead),
   * RocksDB's block cache (it fills up to its budget, {@code runex.topology.rocksdbMemory}; what
   * lies outside the heap besides it is judged, {@code rss_outside_rocksdb_mb}), and resident
   * memory as a whole: it is the committed heap, which G1 grows up to {@code -Xmx} as it sees fit
   * (the live heap inside it is judged), plus what lies outside the heap (judged); and RocksDB's
   * table files, whose count in each store rises with its memtable flushes until a compaction
   * merges them (a topology's open files besides them are judged, {@code fds_outside_sst}).
   */
  static final Set<String> INFORMATIONAL =
      Set.of(
          "jobs",
          "store_keys_estimate",
          "heap_after_gc_mb",
          "rocksdb_cache_mb",
          "rss_mb",
          "sst_files",
          "sst_files_per_store_max");

  /** A verdict per series: levels by their kind, topic end offsets per job submitted. */
  static List<Verdict> verdicts(Map<String, List<Point>> series, double warmupSeconds) {
    List<Verdict> out = new ArrayList<>();
    List<Point> jobs = series.getOrDefault("jobs/submitted", List.of());
    series.forEach(
        (key, points) -> {
          String group = SoakChart.group(key);
          try {
            if (group.equals("topic_records")) {
              if (points.size() == jobs.size()) {
                out.add(SoakTrend.perJob(key, points, jobs, warmupSeconds));
              }
            } else if (key.startsWith("rss_outside_heap_mb/")
                && series.containsKey(
                    "rss_outside_rocksdb_mb/" + key.substring(key.indexOf('/') + 1))) {
              // judged without its budgeted RocksDB cache, as rss_outside_rocksdb_mb
            } else if (key.startsWith("fds/")
                && series.containsKey("fds_outside_sst/" + key.substring(key.indexOf('/') + 1))) {
              // judged without RocksDB's table files, as fds_outside_sst
            } else if (!INFORMATIONAL.contains(group)) {
              out.add(SoakTrend.level(key, kindOf(group), points, warmupSeconds));
            }
          } catch (IllegalArgumentException e) {
            log.warn("no verdict: {}", e.getMessage());
          }
        });
    return out;
  }

  static Kind kindOf(String group) {
    return switch (group) {
      case "rss_outside_heap_mb", "rss_outside_rocksdb_mb" -> Kind.RSS_MB;
      case "live_heap_mb" -> Kind.HEAP_MB;
      case "threads" -> Kind.THREADS;
      case "fds", "fds_outside_sst" -> Kind.FDS;
      case "state_dir_mb" -> Kind.STATE_MB;
      case "store_keys", "control_keys" -> Kind.KEYS;
      case "commit_metadata_bytes" -> Kind.BYTES;
      case "backlog" -> Kind.BACKLOG;
      default -> throw new IllegalArgumentException("unknown series group " + group);
    };
  }

  /** Long format: one row per sample and series, so series that appear later need no header. */
  static void writeCsv(List<Map<String, Double>> samples, Path file) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      w.println("seconds,group,name,value");
      for (Map<String, Double> s : samples) {
        String t = String.format(Locale.ROOT, "%.1f", s.get("t/seconds"));
        s.forEach(
            (k, v) -> {
              if (!k.equals("t/seconds")) {
                int slash = k.indexOf('/');
                w.printf(
                    Locale.ROOT,
                    "%s,%s,%s,%s%n",
                    t,
                    k.substring(0, slash),
                    k.substring(slash + 1),
                    v);
              }
            });
      }
    }
  }

  private static void printVerdicts(List<Verdict> verdicts) {
    System.out.println(
        "| series | first third | last third | slope | flat while last - first ≤ | verdict |");
    System.out.println("|---|---:|---:|---:|---|---|");
    verdicts.forEach(v -> System.out.println(v.line()));
    long growing = verdicts.stream().filter(Verdict::growing).count();
    System.out.printf(Locale.ROOT, "%n%d of %d series growing%n", growing, verdicts.size());
  }

  /** The samples of a {@code samples.csv} ({@code seconds,group,name,value}), in time order. */
  static List<Map<String, Double>> readCsv(Path file) throws IOException {
    Map<Double, Map<String, Double>> byTime = new TreeMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", 4);
      if (f.length != 4) {
        throw new IllegalArgumentException(file + ": not a samples.csv line: " + line);
      }
      double t = Double.parseDouble(f[0]);
      Map<String, Double> s =
          byTime.computeIfAbsent(
              t,
              x -> {
                Map<String, Double> m = new TreeMap<>();
                m.put("t/seconds", x);
                return m;
              });
      s.put(f[1] + "/" + f[2], Double.parseDouble(f[3]));
    }
    return new ArrayList<>(byTime.values());
  }

  private void print(
      List<Verdict> verdicts,
      List<Map<String, Double>> samples,
      List<String> restarts,
      List<String> leftovers) {
    Map<String, Double> last = samples.get(samples.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "%nSoak: %d jobs/s + %d cancels/s for %.0f min, %d samples every %d s, %,d jobs submitted;"
            + " verdicts on the samples after a %.0f-minute warm-up, first third against last%n",
        rate,
        cancelRate,
        minutes,
        samples.size(),
        sampleSeconds,
        last.get("jobs/submitted").longValue(),
        warmupMinutes);
    printVerdicts(verdicts);
    restarts.forEach(r -> System.out.println("unplanned: " + r));
    leftovers.forEach(l -> System.out.println("left behind: " + l));
    System.out.println(
        "samples: " + out.resolve("samples.csv") + ", chart: " + out.resolve("soak.png"));
  }
}
