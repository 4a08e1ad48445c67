package dev.runex.bench.torture;

import dev.runex.schemas.ControlCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one soak sample of a {@link Cluster}: per process (broker, registry, runtime processes) its
 * resident memory, heap after the latest collections (from its GC log), threads and open file
 * descriptors from {@code /proc}; the topology's state folder size and each RocksDB store's key
 * count; the live keys of the compacted control topic; the size of the worker group's
 * completed-offset commit metadata; the workers' backlog; each runex topic's end offsets (Kafka
 * Streams' internal topics included) and the jobs submitted so far; each changelogged store's exact
 * key count from its changelog, and RocksDB's estimate beside it.
 *
 * <p>Values are keyed {@code group/name}; a reading that fails (a process restarting) is left out
 * of that sample and logged.
 */
final class SoakSampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SoakSampler.class);

  private final Cluster cluster;
  private final String prefix;
  private final Path gcLogs;
  private final LongSupplier jobs;
  private final Admin admin;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Long, Long> gcLogOffsets = new HashMap<>();
  private final Map<Long, Double> lastHeap = new HashMap<>();
  private final Map<Long, Double> lastCommitted = new HashMap<>();
  private final Map<Long, Double> rssMb = new HashMap<>();
  private final Set<String> liveControlKeys = new HashSet<>();
  private KafkaConsumer<String, ControlCommand> control;
  private KafkaConsumer<byte[], byte[]> changelogs;
  private final Map<String, Set<ByteBuffer>> changelogKeys = new TreeMap<>();

  SoakSampler(Cluster cluster, String prefix, Path gcLogs, LongSupplier jobs) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.gcLogs = gcLogs;
    this.jobs = jobs;
    this.admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.cfg.bootstrapServers()));
  }

  /** One sample, keyed {@code group/name}. */
  Map<String, Double> sample(List<String> topologies) {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("jobs/submitted", (double) jobs.getAsLong());
    cluster.pids().forEach((name, pid) -> process(v, name, pid));
    for (String t : topologies) {
      reading(v, "state", () -> stateFolder(v, t, cluster.stateDir(t)));
      reading(v, "metrics of " + t, () -> storeKeys(v, t));
    }
    reading(v, "control topic", () -> v.put("control_keys/live", (double) controlKeys()));
    reading(v, "commit metadata", () -> commitMetadata(v));
    reading(v, "topic offsets", () -> topicRecords(v));
    reading(v, "changelogs", () -> changelogKeys(v));
    reading(v, "backlog", () -> v.put("backlog/worker", (double) backlog()));
    derive(v, topologies);
    return v;
  }

  /**
   * A topology's state folder, in one walk: its size ({@code state_dir_mb}) and its RocksDB table
   * files ({@code *.sst}, each held open): {@code sst_files} in all and {@code
   * sst_files_per_store_max}, the most in any one store instance (a store's folder). A store's
   * count rises with each memtable flush and falls when its level-0 files are compacted, so it is
   * bounded per store; the stores' number is fixed by the topology and its partitions.
   */
  static void stateFolder(Map<String, Double> v, String topology, Path stateDir)
      throws IOException {
    long bytes = 0;
    Map<Path, Integer> perStore = new HashMap<>();
    if (Files.exists(stateDir)) {
      try (Stream<Path> walk = Files.walk(stateDir)) {
        for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
          bytes += sizeOrZero(p);
          if (p.getFileName().toString().endsWith(".sst")) {
            perStore.merge(p.getParent(), 1, Integer::sum);
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause(); // a folder removed by a compaction or a task's move meanwhile
      }
    }
    v.put("state_dir_mb/" + topology, megabytes(bytes));
    v.put("sst_files/" + topology, (double) perStore.values().stream().mapToInt(i -> i).sum());
    v.put(
        "sst_files_per_store_max/" + topology,
        (double) perStore.values().stream().mapToInt(i -> i).max().orElse(0));
  }

  /**
   * Series derived per topology from two readings of this sample, when both were read: what lies
   * outside the heap once RocksDB's block cache, bounded by its budget, is taken out ({@code
   * rss_outside_rocksdb_mb}); its open files besides RocksDB's table files, which compaction bounds
   * per store ({@code fds_outside_sst}, see {@link #stateFolder}).
   */
  static void derive(Map<String, Double> v, List<String> topologies) {
    for (String t : topologies) {
      difference(
          v, "rss_outside_heap_mb/" + t, "rocksdb_cache_mb/" + t, "rss_outside_rocksdb_mb/" + t);
      difference(v, "fds/" + t, "sst_files/" + t, "fds_outside_sst/" + t);
    }
  }

  private static void difference(Map<String, Double> v, String from, String less, String into) {
    Double a = v.get(from);
    Double b = v.get(less);
    if (a != null && b != null) {
      v.put(into, a - b);
    }
  }

  private void process(Map<String, Double> v, String name, long pid) {
    reading(
        v,
        "/proc of " + name,
        () -> {
          var s = SoakReadings.procStatus(Files.readString(Path.of("/proc", "" + pid, "status")));
          v.put("rss_mb/" + name, s.rssKb() / 1024.0);
          rssMb.put(pid, s.rssKb() / 1024.0);
          v.put("threads/" + name, (double) s.threads());
          try (Stream<Path> fds = Files.list(Path.of("/proc", "" + pid, "fd"))) {
            v.put("fds/" + name, (double) fds.count());
          }
        });
    reading(
        v,
        "GC log of " + name,
        () -> {
          Double heap = heapAfterGc(pid);
          if (heap != null) {
            v.put("heap_after_gc_mb/" + name, heap);
          }
          Double committed = lastCommitted.get(pid);
          Double rss = rssMb.get(pid);
          if (committed != null && rss != null) {
            // what the heap's own growth cannot explain: native memory (RocksDB, buffers, threads)
            v.put("rss_outside_heap_mb/" + name, rss - committed);
          }
        });
  }

  /**
   * The lowest heap after a collection since the last sample (the bottom of the sawtooth), or the
   * last one seen when there was no collection meanwhile; null before the first.
   */
  private Double heapAfterGc(long pid) throws IOException {
    if (gcLogs == null) {
      return null;
    }
    Path file = gcLogs.resolve("gc-" + pid + ".log");
    if (!Files.exists(file)) {
      return lastHeap.get(pid);
    }
    long from = gcLogOffsets.getOrDefault(pid, 0L);
    String text;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() < from) {
        from = 0; // the log was rotated
      }
      f.seek(from);
      byte[] b = new byte[(int) (f.length() - from)];
      f.readFully(b);
      // only whole lines: a line being written is read at the next sample
      int end = new String(b, StandardCharsets.UTF_8).lastIndexOf('\n') + 1;
      text = new String(b, 0, Math.max(0, end), StandardCharsets.UTF_8);
      gcLogOffsets.put(pid, from + text.getBytes(StandardCharsets.UTF_8).length);
    }
    SoakReadings.heapAfterGc(text).stream()
        .mapToLong(Long::longValue)
        .min()
        .ifPresent(min -> lastHeap.put(pid, min / (1024.0 * 1024)));
    Long committed = SoakReadings.committedHeap(text);
    if (committed != null) {
      lastCommitted.put(pid, committed / (1024.0 * 1024));
    }
    return lastHeap.get(pid);
  }

  private void storeKeys(Map<String, Double> v, String topology) throws Exception {
    int port = cluster.metricsPort(topology);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<SoakReadings.Metric> metrics = SoakReadings.prometheus(r.body());
    SoakReadings.storeKeys(metrics)
        .forEach((store, keys) -> v.put("store_keys_estimate/" + store, keys));
    Double cache = SoakReadings.blockCacheBytes(metrics);
    if (cache != null) {
      v.put("rocksdb_cache_mb/" + topology, cache / (1024.0 * 1024));
    }
  }

  /**
   * Keys of the compacted control topic whose latest record is not a tombstone: one reader follows
   * the topic for the whole run, read to its end offsets at each sample.
   */
  private long controlKeys() {
    if (control == null) {
      control =
          TopicReads.fromStart(cluster.cfg.bootstrapServers(), cluster.cfg.topics().control());
    }
    TopicReads.readToEnd(
        control,
        (key, command) -> {
          if (command == null) {
            liveControlKeys.remove(key);
          } else {
            liveControlKeys.add(key);
          }
        });
    return liveControlKeys.size();
  }

  /**
   * The exact key count of every changelogged state store: its changelog topic followed by one
   * reader for the whole run, a key counting while its latest record is not a tombstone. (RocksDB's
   * estimate counts a key once per overwrite still in a memtable: the status store, written once
   * per lifecycle event, reads several times its size.)
   */
  private void changelogKeys(Map<String, Double> v) throws Exception {
    if (changelogs == null) {
      List<String> names =
          admin.listTopics().names().get().stream()
              .filter(n -> n.startsWith(prefix) && n.endsWith("-changelog"))
              .sorted()
              .toList();
      changelogs =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  cluster.cfg.bootstrapServers(),
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false,
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  5000),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> parts = TopicReads.latest(admin, names).keySet().stream().toList();
      changelogs.assign(parts);
      changelogs.seekToBeginning(parts);
      names.forEach(n -> changelogKeys.put(n, new HashSet<>()));
    }
    Map<TopicPartition, Long> ends = changelogs.endOffsets(changelogs.assignment());
    while (ends.entrySet().stream().anyMatch(e -> changelogs.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> r : changelogs.poll(Duration.ofMillis(200))) {
        Set<ByteBuffer> keys = changelogKeys.get(r.topic());
        if (r.value() == null) {
          keys.remove(ByteBuffer.wrap(r.key()));
        } else {
          keys.add(ByteBuffer.wrap(r.key()));
        }
      }
    }
    changelogKeys.forEach(
        (topic, keys) ->
            v.put(
                "store_keys/"
                    + topic.substring(prefix.length(), topic.length() - "-changelog".length()),
                (double) keys.size()));
  }

  private void commitMetadata(Map<String, Double> v) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(prefix + "worker.default")
            .partitionsToOffsetAndMetadata()
            .get();
    long bytes =
        offsets.values().stream()
            .filter(java.util.Objects::nonNull)
            .mapToLong(o -> o.metadata() == null ? 0 : o.metadata().length())
            .sum();
    v.put("commit_metadata_bytes/worker.default", (double) bytes);
  }

  /** End offsets of every runex topic (the prefix's and the Streams applications' own). */
  private void topicRecords(Map<String, Double> v) throws Exception {
    List<String> names =
        admin.listTopics().names().get().stream().filter(n -> n.startsWith(prefix)).toList();
    Map<TopicPartition, OffsetSpec> latest = TopicReads.latest(admin, names);
    Map<String, Double> sums = new java.util.TreeMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach(
            (tp, info) ->
                sums.merge(
                    tp.topic().substring(prefix.length()), (double) info.offset(), Double::sum));
    sums.forEach((topic, records) -> v.put("topic_records/" + topic, records));
  }

  private long backlog() throws Exception {
    return TopicReads.workerLag(admin, cluster.cfg.topics(), prefix, "default");
  }

  /** A reading that throws. */
  private interface Reading {
    void read() throws Exception;
  }

  private static void reading(Map<String, Double> v, String what, Reading r) {
    try {
      r.read();
    } catch (Exception e) {
      log.warn("soak sample: {} not read: {}", what, e.toString());
    }
  }

  private static double megabytes(long bytes) {
    return bytes / (1024.0 * 1024);
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // a RocksDB file removed by a compaction meanwhile
    }
  }

  @Override
  public void close() {
    if (control != null) {
      control.close();
    }
    if (changelogs != null) {
      changelogs.close();
    }
    admin.close();
  }
}
