package dev.runex.bench.torture;

import dev.runex.bench.scaling.Submitter;
import dev.runex.bench.torture.Audit.Findings;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.topics.RunexTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fault runner: runs the whole stack as separate processes (broker, registry, two topology
 * instances, three workers), drives a steady mixed load, injects faults at random moments from a
 * printed seed, waits until the load has drained (a positive signal: the worker group committed
 * everything, the topology consumed all its input), audits every run from the topics and the
 * endpoint's call log ({@link Audit}), checks nothing is left running or on disk, and prints a
 * table. Exit status 1 when any defect was found.
 */
@Command(
    name = "torture",
    mixinStandardHelpOptions = true,
    description = "Fault runner: random faults under a mixed load, then an audit from the topics.")
public final class TortureRun implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(TortureRun.class);

  @Option(names = "--runs", description = "Runs, each on a fresh stack (default: 20; --short: 1).")
  Integer runs;

  @Option(
      names = "--seconds",
      description = "Load (and fault) time of each run (default: 600; --short: 150).")
  Integer seconds;

  @Option(names = "--rate", description = "Jobs submitted per second (default: 20; --short: 10).")
  Integer rate;

  @Option(
      names = "--max-gap",
      description = "Longest quiet time between faults, s (default: 60; --short: 20).")
  Integer maxGap;

  @Option(
      names = "--faults",
      split = ",",
      description =
          "Fault kinds (default: all): worker-kill, worker-freeze, worker-hang, topology-kill,"
              + " topology-wipe, topology-freeze, broker-kill, registry-stop.")
  List<String> faults;

  @Option(names = "--seed", description = "Seed of the first run (default: random, printed).")
  Long seed;

  @Option(
      names = "--drain-timeout",
      defaultValue = "300",
      description =
          "Longest wait for the load to drain after the faults, s (default: ${DEFAULT-VALUE}).")
  int drainTimeout;

  @Option(names = "--short", description = "CI scale: 1 run of 150 s at 10 jobs/s.")
  boolean shortForm;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TortureRun()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    int nRuns = runs != null ? runs : shortForm ? 1 : 20;
    int secs = seconds != null ? seconds : shortForm ? 150 : 600;
    int perSecond = rate != null ? rate : shortForm ? 10 : 20;
    int gap = maxGap != null ? maxGap : shortForm ? 20 : 60;
    List<FaultKind> kinds =
        faults == null ? List.of(FaultKind.values()) : faults.stream().map(FaultKind::of).toList();
    long first = seed != null ? seed : System.nanoTime();
    List<RunReport> reports = new ArrayList<>();
    for (int i = 0; i < nRuns; i++) {
      long s = first + i;
      System.err.printf(Locale.ROOT, "torture run %d/%d, seed %d%n", i + 1, nRuns, s);
      reports.add(runOnce(i + 1, s, kinds, secs, perSecond, gap));
      if (i < nRuns - 1) {
        // a long campaign stopped early still leaves the figures of the runs it finished
        System.out.printf(Locale.ROOT, "%nafter %d of %d runs:%n", i + 1, nRuns);
        print(reports, first, secs, perSecond);
      }
    }
    print(reports, first, secs, perSecond);
    return reports.stream().allMatch(RunReport::clean) ? 0 : 1;
  }

  /** One run's figures. */
  record RunReport(
      long seed,
      Findings findings,
      List<FaultKind.Event> faults,
      Map<FaultKind, List<Long>> recoveryMs,
      List<String> unplannedExits,
      List<String> leftovers) {
    boolean clean() {
      return findings.defects().isEmpty() && leftovers.isEmpty();
    }
  }

  private RunReport runOnce(
      int run, long seed, List<FaultKind> kinds, int secs, int perSecond, int gap)
      throws Exception {
    String prefix = "torture-r" + run + ".";
    Findings findings;
    List<FaultKind.Event> events;
    Map<FaultKind, List<Long>> recovery = new EnumMap<>(FaultKind.class);
    List<String> unplanned;
    Path dir;
    Cluster stopped;
    Set<Long> before = descendants();
    try (FaultEndpoint endpoint = new FaultEndpoint();
        Cluster cluster = new Cluster(endpoint, prefix, 4)) {
      dir = cluster.dir;
      stopped = cluster;
      RunexTopics topics = cluster.cfg.topics();
      String bootstrap = cluster.cfg.bootstrapServers();
      try (Load load = new Load(bootstrap, topics.intake().name(), prefix, seed);
          ResultWatch watch = new ResultWatch(bootstrap, topics.results())) {
        load.warmup("warmup-" + run);
        await(
            "the warm-up job's result",
            Duration.ofSeconds(240),
            cluster,
            () -> watch.firstSeenNanos.containsKey("warmup-" + run));
        // a schedule firing every second for the whole run, faults and all
        writeSchedule(bootstrap, topics, TICK_DEFINITION);
        await(
            "the schedule's first firing",
            Duration.ofSeconds(60),
            cluster,
            () ->
                watch.firstSeenNanos.keySet().stream()
                    .anyMatch(k -> k.startsWith(Audit.TICK_JOBS)));
        log.info("stack running; load {} jobs/s for {} s", perSecond, secs);
        long until = System.nanoTime() + secs * 1_000_000_000L;
        // The load ends on time even when the last fault outlasts it (a slow registry start).
        Thread loadThread = new Thread(() -> load.run(perSecond, until), "torture-load");
        loadThread.start();
        Injector injector = new Injector(cluster, endpoint, seed);
        injector.run(kinds, gap, until);
        while (System.nanoTime() < until) {
          cluster.supervise();
          Thread.sleep(500); // the load runs on until its end
        }
        load.stop();
        loadThread.join();
        events = injector.events;
        log.info("load over: {} jobs accepted; draining", load.accepted.size());
        await(
            "a result for every accepted job",
            Duration.ofSeconds(drainTimeout),
            cluster,
            () -> watch.firstSeenNanos.keySet().containsAll(load.accepted.keySet()));
        writeSchedule(bootstrap, topics, null);
        Instant tickDeleted = Instant.now();
        await(
            "worker group and topology lag 0",
            Duration.ofSeconds(120),
            cluster,
            () -> lag(bootstrap, topics, prefix, cluster.applicationId()) == 0);
        Map<String, List<JobResult>> results = new HashMap<>();
        TopicReads.readAll(
            bootstrap,
            topics.results(),
            (k, v) -> results.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        Set<String> deadLetters = new HashSet<>();
        TopicReads.<byte[], DeadLetter>readAll(
            bootstrap,
            topics.deadLetter(),
            (k, v) -> {
              if (v.getJobId() != null) {
                deadLetters.add(v.getJobId());
              }
            });
        findings =
            Audit.check(
                load.accepted,
                load.sendFailures.keySet(),
                results,
                deadLetters,
                endpoint.calls(),
                events);
        Instant firstTick =
            results.keySet().stream()
                .filter(k -> k.startsWith(Audit.TICK_JOBS))
                .map(k -> Instant.parse(k.substring(Audit.TICK_JOBS.length())))
                .min(Instant::compareTo)
                .orElseThrow();
        Instant lastTick = tickDeleted.truncatedTo(ChronoUnit.SECONDS).minusSeconds(2);
        findings = findings.with(Audit.checkSchedule(results, firstTick, lastTick));
        log.info(
            "schedule {}: firings {} to {} audited ({} results of firings in all)",
            Audit.TICK,
            firstTick,
            lastTick,
            results.keySet().stream().filter(k -> k.startsWith(Audit.TICK_JOBS)).count());
        for (FaultKind.Event e : events) {
          load.accepted.values().stream()
              .filter(s -> s.atNanos() >= e.endNanos())
              .map(s -> watch.firstSeenNanos.get(s.id()))
              .filter(java.util.Objects::nonNull)
              .mapToLong(t -> (t - e.endNanos()) / 1_000_000)
              .min()
              .ifPresent(ms -> recovery.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(ms));
        }
        unplanned = List.copyOf(cluster.unplannedExits());
        if (!findings.defects().isEmpty()) {
          keepLogs(cluster.dir, seed, findings.duplicated() > 0 || findings.lost() > 0);
        }
      }
    }
    List<String> leftovers = new ArrayList<>();
    Set<Long> after = descendants();
    after.removeAll(before);
    after.forEach(pid -> leftovers.add("process " + pid + " still running"));
    stopped.leftFiles().forEach(f -> leftovers.add("left in a worker's work folder: " + f));
    if (Files.exists(dir)) {
      leftovers.add("folder " + dir + " left on disk");
    }
    RunReport r = new RunReport(seed, findings, events, recovery, unplanned, leftovers);
    System.err.printf(
        Locale.ROOT,
        "run %d (seed %d): %d jobs, %d faults, %d defects, %d leftovers%n",
        run,
        seed,
        findings.jobs(),
        events.size(),
        findings.defects().size(),
        leftovers.size());
    findings.defects().stream().limit(50).forEach(d -> System.err.println("  " + d));
    return r;
  }

  /**
   * Copies a run's process logs out of its folder (which is removed) when it found defects, so they
   * can be read after; the copy is printed and left on purpose. Where a result was duplicated or a
   * job lost the broker's data folder is copied too: its log segments say which producer (and so
   * which process and transaction) wrote each copy of a record, and which transaction markers are
   * missing (kafka-clients' {@code FileRecords} reads them).
   */
  private static void keepLogs(Path runDir, long seed, boolean withBrokerData) {
    try {
      Path keep = Files.createTempDirectory("runex-torture-logs-" + seed + "-");
      try (var files = Files.list(runDir.resolve("logs"))) {
        for (Path f : files.toList()) {
          Files.copy(f, keep.resolve(f.getFileName()));
        }
      }
      if (withBrokerData) {
        copyTree(runDir.resolve("kafka"), keep.resolve("kafka"));
      }
      System.err.println("  logs of this run kept in " + keep);
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not keep the logs of {}: {}", runDir, e.toString());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var all = Files.walk(from)) {
      for (Path f : all.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(f)) {
          try {
            Files.copy(f, target);
          } catch (NoSuchFileException gone) {
            // a segment the broker deleted while copying: nothing to read in it
          }
        }
      }
    }
  }

  private static long lag(String bootstrap, RunexTopics topics, String prefix, String appId) {
    try {
      long w = TopicReads.workerLag(bootstrap, topics, prefix, "default");
      long t = TopicReads.topologyLag(bootstrap, appId);
      log.info("drain: worker lag {}, topology lag {}", w, t);
      return w + t;
    } catch (Exception e) {
      log.info("drain: lag not readable yet: {}", e.toString());
      return -1;
    }
  }

  /** Waits for {@code done}, restarting processes that exited on their own meanwhile. */
  /** Every second, overlap allow and catch-up all: every firing must run, once. */
  private static final String TICK_DEFINITION =
      "{\"name\":\""
          + Audit.TICK
          + "\",\"cron\":\"* * * * * *\",\"overlap\":\"ALLOW\",\"catchUp\":\"ALL\","
          + "\"job\":{\"type\":\"quick\",\"tenant\":\"demo\",\"params\":{}}}";

  /** Writes the schedule's definition (JSON, as any producer may), or its deletion (null). */
  private static void writeSchedule(String bootstrap, RunexTopics topics, String definition) {
    try (Submitter writer = new Submitter(bootstrap, topics.schedules().name())) {
      if (definition == null) {
        writer.delete(Audit.TICK);
      } else {
        writer.submit(Audit.TICK, definition);
      }
      writer.flush();
    }
  }

  private static void await(String what, Duration limit, Cluster cluster, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        log.warn("gave up waiting for {} after {} s", what, limit.toSeconds());
        return; // the audit reports what is missing
      }
      cluster.supervise();
      Thread.sleep(1_000); // polling for the positive signal
    }
  }

  /** The live processes this JVM started, and theirs: what a run must have stopped when done. */
  static Set<Long> descendants() {
    Set<Long> pids = new HashSet<>();
    ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .forEach(h -> pids.add(h.pid()));
    return pids;
  }

  private static void print(List<RunReport> reports, long firstSeed, int secs, int perSecond) {
    System.out.printf(
        Locale.ROOT,
        "%nTorture: %d run(s) from seed %d, %d s of load at %d jobs/s each%n",
        reports.size(),
        firstSeed,
        secs,
        perSecond);
    int jobs = 0;
    int lost = 0;
    int dup = 0;
    int unknown = 0;
    int extra = 0;
    int unexplained = 0;
    int defects = 0;
    int leftovers = 0;
    int unplanned = 0;
    Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
    Map<FaultKind, List<Long>> recovery = new EnumMap<>(FaultKind.class);
    for (RunReport r : reports) {
      Findings f = r.findings();
      jobs += f.jobs();
      lost += f.lost();
      dup += f.duplicated();
      unknown += f.unknown();
      extra += f.extraRuns();
      unexplained += f.unexplainedExtraRuns();
      defects += f.defects().size();
      leftovers += r.leftovers().size();
      unplanned += r.unplannedExits().size();
      r.faults().forEach(e -> counts.merge(e.kind(), 1, Integer::sum));
      r.recoveryMs()
          .forEach((k, v) -> recovery.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
    System.out.println(
        "| runs | jobs | lost | duplicated | unknown results | extra runs (unexplained) | defects | unplanned exits | leftovers |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    System.out.printf(
        Locale.ROOT,
        "| %d | %,d | %d | %d | %d | %d (%d) | %d | %d | %d |%n",
        reports.size(),
        jobs,
        lost,
        dup,
        unknown,
        extra,
        unexplained,
        defects,
        unplanned,
        leftovers);
    System.out.println();
    System.out.println("| fault | injected | time to first new result after it, p50 | max |");
    System.out.println("|---|---:|---:|---:|");
    for (FaultKind k : FaultKind.values()) {
      List<Long> rec = new ArrayList<>(recovery.getOrDefault(k, List.of()));
      rec.sort(Long::compare);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s |%n",
          k.option,
          counts.getOrDefault(k, 0),
          rec.isEmpty() ? "-" : String.format(Locale.ROOT, "%,d ms", rec.get((rec.size() - 1) / 2)),
          rec.isEmpty() ? "-" : String.format(Locale.ROOT, "%,d ms", rec.get(rec.size() - 1)));
    }
    for (RunReport r : reports) {
      r.unplannedExits().forEach(u -> System.out.println("seed " + r.seed() + ": " + u));
      r.leftovers().forEach(u -> System.out.println("seed " + r.seed() + ": " + u));
    }
  }
}
