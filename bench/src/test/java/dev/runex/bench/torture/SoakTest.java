package dev.runex.bench.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.bench.torture.SoakTrend.Kind;
import dev.runex.bench.torture.SoakTrend.Point;
import dev.runex.bench.torture.SoakTrend.Verdict;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakTest {
  @Test
  void procStatusGivesResidentMemoryAndThreads() {
    String status =
        "Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 5000000 kB\nVmRSS:\t  412345 kB\n"
            + "RssAnon:\t  400000 kB\nThreads:\t57\nSigQ:\t0/63\n";

    assertThat(SoakReadings.procStatus(status)).isEqualTo(new SoakReadings.ProcStatus(412345, 57));
  }

  @Test
  void aZombieWithoutMemoryIsAnError() {
    assertThatThrownBy(
            () -> SoakReadings.procStatus("Name:\tjava\nState:\tZ (zombie)\nThreads:\t1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VmRSS");
  }

  @Test
  void gcLogGivesTheHeapAfterEachPause() {
    String log =
        "[0.012s] Using G1\n"
            + "[1.234s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 4.1ms\n"
            + "[2.000s] GC(1) Concurrent Mark Cycle\n"
            + "[2.100s] GC(1) Pause Remark 40M->38M(256M) 2.0ms\n"
            + "[2.200s] GC(1) Concurrent Mark Cycle 200.1ms\n"
            + "[9.000s] GC(2) Pause Full (System.gc()) 1G->512K(1G) 80.0ms\n";

    assertThat(SoakReadings.heapAfterGc(log)).containsExactly(3L << 20, 38L << 20, 512L << 10);
    assertThat(SoakReadings.committedHeap(log)).isEqualTo(1L << 30);
    assertThat(SoakReadings.committedHeap("[0.012s] Using G1\n")).isNull();
  }

  private static final String HISTOGRAM_AT_MINUTE_5 =
      "12345:\n"
          + " num     #instances         #bytes  class name (module)\n"
          + "-------------------------------------------------------\n"
          + "   1:         13030         793880  [B (java.base@17.0.15)\n"
          + "   2:          3002         360856  java.lang.Class (java.base@17.0.15)\n"
          + "   3:          1000          40000  dev.runex.topology.Cache$Entry\n"
          + "Total         17032        1194736\n";

  private static final String HISTOGRAM_AT_MINUTE_60 =
      "12345:\n"
          + " num     #instances         #bytes  class name (module)\n"
          + "-------------------------------------------------------\n"
          + "   1:        901000       36040000  dev.runex.topology.Cache$Entry\n"
          + "   2:         13000         793000  [B (java.base@25.0.1)\n"
          + "   3:          3002         360856  java.lang.Class (java.base@25.0.1)\n"
          + "   4:            10            400  java.util.HashMap\n"
          + "Total        917012       37194256\n";

  @Test
  void aClassHistogramGivesTheLiveHeapAndItsClasses() {
    assertThat(SoakReadings.histogramTotal(HISTOGRAM_AT_MINUTE_5)).isEqualTo(1_194_736);
    assertThat(SoakReadings.histogram(HISTOGRAM_AT_MINUTE_5))
        .containsOnlyKeys("[B", "java.lang.Class", "dev.runex.topology.Cache$Entry")
        .containsEntry("[B", new SoakReadings.ClassBytes("[B", 13030, 793880));
    assertThatThrownBy(() -> SoakReadings.histogramTotal("12345:\nUnable to open socket file\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Total");
  }

  @Test
  void theClassesThatGrewMostComeFirstAndThoseThatShrankNotAtAll() {
    List<SoakReadings.ClassBytes> grown =
        SoakReadings.grownMost(
            SoakReadings.histogram(HISTOGRAM_AT_MINUTE_5),
            SoakReadings.histogram(HISTOGRAM_AT_MINUTE_60),
            5);

    // the byte arrays shrank (793,880 -> 793,000) and the classes stayed: neither is listed
    assertThat(grown)
        .containsExactly(
            new SoakReadings.ClassBytes("dev.runex.topology.Cache$Entry", 900_000, 36_000_000),
            new SoakReadings.ClassBytes("java.util.HashMap", 10, 400));
  }

  @Test
  void nativeMemoryTrackingSaysWhatGrewOutsideTheHeap() {
    // the shape of JDK 17's jcmd <pid> VM.native_memory summary.diff scale=KB, abridged
    String diff =
        """
        4242:

        Native Memory Tracking:

        Total: reserved=7842521KB +20480KB, committed=484737KB +19456KB

        -                 Java Heap (reserved=6172672KB, committed=397312KB +4096KB)
                                    (mmap: reserved=6172672KB, committed=397312KB +4096KB)
        \s
        -                     Class (reserved=1048784KB, committed=1360KB)
                                    (classes #2498)
        \s
        -                    Thread (reserved=19506KB +1024KB, committed=890KB -128KB)
                                    (thread #19 -1)
        \s
        -                      Code (reserved=247874KB, committed=17734KB +12288KB)
                                    (malloc=186KB #1826)
        \s
        -                  Internal (reserved=222KB, committed=3294KB +3200KB)
        \s
        -    Native Memory Tracking (reserved=969KB, committed=969KB +1KB)
        """;

    List<SoakReadings.NativeCategory> categories = SoakReadings.nativeMemoryDiff(diff);

    assertThat(categories)
        .extracting(SoakReadings.NativeCategory::name)
        .containsExactly(
            "Code", "Java Heap", "Internal", "Native Memory Tracking", "Class", "Thread");
    assertThat(categories.get(0)).isEqualTo(new SoakReadings.NativeCategory("Code", 17734, 12288));
    // the heap is measured apart: outside it, 12288 + 3200 + 1 - 128 KB
    assertThat(NativeMemory.line("broker", categories, 2))
        .isEqualTo(
            "broker: committed outside the heap +15.0 MB since the baseline; grew most:"
                + " Code +12.0 MB (now 17.3 MB); Internal +3.1 MB (now 3.2 MB);");
    assertThatThrownBy(
            () -> SoakReadings.nativeMemoryDiff("4242:\nNative memory tracking is not enabled\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NativeMemoryTracking");
  }

  @Test
  void samplesWrittenAsCsvAreReadBackForAnotherVerdict(@TempDir Path dir) throws Exception {
    List<Map<String, Double>> samples = new ArrayList<>();
    for (int t = 0; t <= 1800; t += 10) {
      // open files rise for the first 15 minutes, then stay
      samples.add(
          sample(
              "t/seconds",
              t,
              "jobs/submitted",
              t * 50.0,
              "fds/topology",
              380 + Math.min(t, 900) / 10.0));
    }
    Path csv = dir.resolve("samples.csv");
    SoakRun.writeCsv(samples, csv);

    List<Map<String, Double>> read = SoakRun.readCsv(csv);

    assertThat(read).isEqualTo(samples);
    assertThat(SoakRun.verdicts(SoakRun.series(read), 300))
        .extracting(Verdict::growing)
        .containsExactly(true);
    assertThat(SoakRun.verdicts(SoakRun.series(read), 900))
        .extracting(Verdict::growing)
        .containsExactly(false);
  }

  @Test
  void theSharedBlockCacheIsReadOnceNotAddedUpOverItsStores() {
    String text =
        "kafka_stream_state_block_cache_usage{store=\"job-status\",task_id=\"0_0\"} 4.0E7\n"
            + "kafka_stream_state_block_cache_usage{store=\"delay-index\",task_id=\"1_0\"} 4.1E7\n"
            + "kafka_stream_state_block_cache_usage{store=\"intake-dedupe\",task_id=\"0_1\"} NaN\n"
            + "kafka_stream_state_estimate_num_keys{store=\"job-status\",task_id=\"0_0\"} 9.0E9\n";

    assertThat(SoakReadings.blockCacheBytes(SoakReadings.prometheus(text))).isEqualTo(4.1e7);
    assertThat(SoakReadings.blockCacheBytes(SoakReadings.prometheus("up 1\n"))).isNull();
    assertThat(SoakRun.kindOf("rss_outside_rocksdb_mb")).isEqualTo(SoakTrend.Kind.RSS_MB);
    assertThat(SoakRun.INFORMATIONAL).contains("rocksdb_cache_mb");
  }

  @Test
  void whatLiesOutsideTheHeapBesidesRocksDbsCacheIsDerivedWhateverTheReadingsOrder() {
    // given a sample with the cache read before what lies outside the heap, and a topology whose
    // cache was not read
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("rocksdb_cache_mb/topology", 60.0);
    v.put("rss_outside_heap_mb/topology", 260.0);
    v.put("rss_outside_heap_mb/topology-2", 250.0);

    // when
    SoakSampler.derive(v, List.of("topology", "topology-2"));

    // then
    assertThat(v).containsEntry("rss_outside_rocksdb_mb/topology", 200.0);
    assertThat(v).doesNotContainKey("rss_outside_rocksdb_mb/topology-2");
  }

  @Test
  void rocksDbTableFilesAreCountedPerStoreAndTakenOutOfTheOpenFiles(@TempDir Path state)
      throws Exception {
    // given two store instances' folders, one with three table files, one with one
    Path a = Files.createDirectories(state.resolve("app/0_0/rocksdb/job-status"));
    Path b = Files.createDirectories(state.resolve("app/0_1/rocksdb/job-status"));
    for (String f : List.of("000010.sst", "000012.sst", "000013.sst", "MANIFEST-000005", "LOG")) {
      Files.writeString(a.resolve(f), "x");
    }
    Files.writeString(b.resolve("000007.sst"), "x");
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("fds/topology", 400.0);

    // when
    SoakSampler.stateFolder(v, "topology", state);
    SoakSampler.derive(v, List.of("topology"));

    // then
    assertThat(v)
        .containsEntry("sst_files/topology", 4.0)
        .containsEntry("sst_files_per_store_max/topology", 3.0)
        .containsEntry("fds_outside_sst/topology", 396.0);
    assertThat(SoakRun.kindOf("fds_outside_sst")).isEqualTo(SoakTrend.Kind.FDS);
    assertThat(SoakRun.INFORMATIONAL).contains("sst_files", "sst_files_per_store_max");
  }

  @Test
  void prometheusTextGivesNamesLabelsAndValues() {
    String text =
        "# HELP kafka_stream_state_estimate_num_keys estimated keys\n"
            + "# TYPE kafka_stream_state_estimate_num_keys gauge\n"
            + "kafka_stream_state_estimate_num_keys{process=\"topology\",store=\"job-status\",task_id=\"0_0\"} 120.0\n"
            + "kafka_stream_state_estimate_num_keys{process=\"topology\",store=\"job-status\",task_id=\"0_1\"} 80.0\n"
            + "kafka_stream_state_estimate_num_keys{process=\"topology\",store=\"delay-index\",task_id=\"1_0\"} NaN\n"
            + "kafka_stream_state_estimate_num_keys{process=\"topology\",store=\"intake-dedupe\",task_id=\"0_0\"} 7.0\n"
            + "jvm_threads_live_threads{process=\"topology\",quoted=\"a \\\"b\\\" c\"} 61.0\n"
            + "up 1\n"
            + "not a metric line\n";

    List<SoakReadings.Metric> metrics = SoakReadings.prometheus(text);

    assertThat(metrics).hasSize(6);
    assertThat(metrics.get(4).labels()).containsEntry("quoted", "a \\\"b\\\" c");
    assertThat(metrics.get(5)).isEqualTo(new SoakReadings.Metric("up", Map.of(), 1));
    assertThat(SoakReadings.storeKeys(metrics))
        .containsExactly(Map.entry("intake-dedupe", 7.0), Map.entry("job-status", 200.0));
  }

  @Test
  void aLevelThatWandersWithinItsAllowanceIsFlat() {
    // 500 MB with a 20 MB sawtooth: bounded
    Verdict v = SoakTrend.level("rss_mb/w1", Kind.RSS_MB, points(t -> 500 + (t % 60) / 3), 300);

    assertThat(v.growing()).isFalse();
    assertThat(v.first()).isBetween(505.0, 515.0);
    assertThat(v.last()).isBetween(505.0, 515.0);
  }

  @Test
  void aSteadyLeakIsGrowingWithItsSlopePerHour() {
    // 2 MB a minute from 400 MB: +40 MB between the thirds' middles, 120 MB/h
    Verdict v = SoakTrend.level("rss_mb/w1", Kind.RSS_MB, points(t -> 400 + t / 30), 300);

    assertThat(v.growing()).isTrue();
    assertThat(v.slopePerHour()).isCloseTo(120, org.assertj.core.data.Offset.offset(1.0));
    assertThat(v.line()).contains("GROWING").contains("+120/h");
  }

  @Test
  void theWarmUpIsLeftOut() {
    // entries climb for the first 4 minutes (retention filling), then stay at 3,000
    Verdict v =
        SoakTrend.level(
            "store_keys/job-status", Kind.KEYS, points(t -> Math.min(t, 240) * 12.5), 300);

    assertThat(v.growing()).isFalse();
    assertThat(v.first()).isEqualTo(3000);
    assertThat(
            SoakTrend.level(
                    "store_keys/job-status", Kind.KEYS, points(t -> Math.min(t, 240) * 12.5), 0)
                .growing())
        .isTrue();
  }

  @Test
  void aNearZeroSeriesNeedsMoreThanItsFloorToGrow() {
    Verdict flat =
        SoakTrend.level("threads/w1", Kind.THREADS, points(t -> 40 + (t > 1200 ? 3 : 0)), 300);
    Verdict grows = SoakTrend.level("threads/w1", Kind.THREADS, points(t -> 40 + t / 120), 300);

    assertThat(flat.growing()).isFalse();
    assertThat(grows.growing()).isTrue();
  }

  @Test
  void recordsPerJobCompareTheThirdsRates() {
    List<Point> jobs = points(t -> t * 50);
    List<Point> steady = points(t -> t * 50 * 5);
    // a topic that writes one more record per job for every 10 minutes the run has gone on
    List<Point> rising = points(t -> t * 50 * (5 + t / 600));

    Verdict flat = SoakTrend.perJob("topic_records/results", steady, jobs, 300);
    Verdict growing = SoakTrend.perJob("topic_records/control", rising, jobs, 300);

    assertThat(flat.growing()).isFalse();
    assertThat(flat.first()).isCloseTo(5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(flat.last()).isCloseTo(5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(growing.growing()).isTrue();
  }

  @Test
  void tooFewSamplesAfterTheWarmUpGiveNoVerdict() {
    assertThatThrownBy(() -> SoakTrend.level("fds/w1", Kind.FDS, points(t -> 10), 1790))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3");
  }

  @Test
  void samplesBecomeSeriesAndVerdictsByTheirGroup() {
    List<Map<String, Double>> samples = new ArrayList<>();
    for (int t = 0; t <= 1800; t += 10) {
      samples.add(
          sample(
              "t/seconds",
              (double) t,
              "jobs/submitted",
              t * 50.0,
              "topic_records/results",
              t * 50.0,
              "fds/broker",
              300.0,
              "control_keys/live",
              t * 1.0,
              // young collections' floor rises on a flat live set: shown, not judged
              "heap_after_gc_mb/topology",
              100 + t / 10.0,
              "live_heap_mb/topology",
              80.0,
              // G1 commits more heap: resident memory rises, the memory outside the heap does not
              "rss_mb/w1",
              300 + t / 10.0,
              "rss_outside_heap_mb/w1",
              150.0,
              // the RocksDB cache fills towards its budget: judged without it
              "rss_outside_heap_mb/topology",
              200 + t / 20.0,
              "rocksdb_cache_mb/topology",
              t / 20.0,
              "rss_outside_rocksdb_mb/topology",
              200.0,
              // RocksDB's table files pile up until compactions: judged without them
              "fds/topology",
              380 + t / 30.0,
              "sst_files/topology",
              80 + t / 30.0,
              "sst_files_per_store_max/topology",
              4.0,
              "fds_outside_sst/topology",
              300.0));
    }

    List<Verdict> verdicts = SoakRun.verdicts(SoakRun.series(samples), 300);

    assertThat(verdicts)
        .extracting(Verdict::series, Verdict::growing)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("control_keys/live", true),
            org.assertj.core.groups.Tuple.tuple("fds/broker", false),
            org.assertj.core.groups.Tuple.tuple("fds_outside_sst/topology", false),
            org.assertj.core.groups.Tuple.tuple("live_heap_mb/topology", false),
            org.assertj.core.groups.Tuple.tuple("rss_outside_heap_mb/w1", false),
            org.assertj.core.groups.Tuple.tuple("rss_outside_rocksdb_mb/topology", false),
            org.assertj.core.groups.Tuple.tuple("topic_records/results", false));
  }

  @Test
  void theChartIsAPngWithEveryPanel(@TempDir Path dir) throws Exception {
    Map<String, List<Point>> series = new java.util.TreeMap<>();
    series.put("jobs/submitted", points(t -> t * 50));
    series.put("topic_records/results", points(t -> t * 75));
    series.put("topic_records/unused", points(t -> 0));
    series.put("rss_mb/w1", points(t -> 300));
    series.put("fds/w1", points(t -> 80));
    series.put("state_dir_mb/topology", points(t -> 2));
    series.put("store_keys/job-status", points(t -> 3000));
    Path png = dir.resolve("soak.png");

    SoakChart.write(series, "soak", png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1100);
    assertThat(image.getHeight()).isEqualTo(2140);
  }

  /** A sample every 10 s for 30 minutes. */
  private static List<Point> points(DoubleUnaryOperator f) {
    List<Point> out = new ArrayList<>();
    for (int t = 0; t <= 1800; t += 10) {
      out.add(new Point(t, f.applyAsDouble(t)));
    }
    return out;
  }

  /** A sample from alternating names and values. */
  private static Map<String, Double> sample(Object... namesAndValues) {
    Map<String, Double> out = new java.util.HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], ((Number) namesAndValues[i + 1]).doubleValue());
    }
    return out;
  }
}
