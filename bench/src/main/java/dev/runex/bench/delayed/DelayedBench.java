package dev.runex.bench.delayed;

import dev.runex.bench.BenchInfra;
import dev.runex.bench.scaling.Submitter;
import dev.runex.bench.subject.RunexUnderTest;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Delayed-jobs benchmark: how late runex starts jobs that were submitted with a due time ({@code
 * notBefore}), measured as users get runex — the bundled default configuration (job-status
 * application, events and metrics on), the topology and one worker in this JVM, on a broker and
 * registry of its own. After an unmeasured warm-up, two loads: jobs falling due spread evenly over
 * {@code --spread-seconds}, then (once those are done) jobs all falling due within one second. Each
 * job is an {@code echo}; its start is the worker's {@code startedAt} on its result, its result
 * time when a read_committed reader saw the result. Then recurring schedules firing every second
 * (overlap {@code skip}, as users get it) for {@code --schedule-seconds}, each firing's job due at
 * its fire time. It prints start − due and result − due (p50 / p99 / max), the jobs started early
 * (must be 0) and the targets (the schedules have none).
 */
@Command(
    name = "delayed",
    mixinStandardHelpOptions = true,
    description =
        "Delayed jobs: lateness of start and result against the due time, for a load due over"
            + " --spread-seconds and a load due within one second.")
public final class DelayedBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DelayedBench.class);
  private static final long SPREAD_TARGET_P99_MS = 250;
  private static final long BURST_TARGET_MAX_MS = 2_000;

  @Option(
      names = "--jobs",
      defaultValue = "10000",
      description = "Jobs of the spread load (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--spread-seconds",
      defaultValue = "20",
      description = "Window the spread load's due times cover (default: ${DEFAULT-VALUE}).")
  int spreadSeconds;

  @Option(
      names = "--burst-jobs",
      defaultValue = "10000",
      description = "Jobs falling due within one second (default: ${DEFAULT-VALUE}; 0: skip).")
  int burstJobs;

  @Option(
      names = "--lead-ms",
      defaultValue = "5000",
      description =
          "From the start of a load's submission to its first due time, so every job is in the"
              + " delay index before it falls due (default: ${DEFAULT-VALUE}).")
  long leadMs;

  @Option(
      names = "--warmup-jobs",
      defaultValue = "2000",
      description = "Unmeasured immediate jobs before the loads (default: ${DEFAULT-VALUE}).")
  int warmupJobs;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "120",
      description =
          "Longest wait for a load's results after its last due time (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--schedules",
      defaultValue = "10",
      description =
          "Schedules firing an echo job every second, after the loads (default: ${DEFAULT-VALUE};"
              + " 0: skip).")
  int schedules;

  @Option(
      names = "--schedule-seconds",
      defaultValue = "30",
      description = "How long the schedules fire (default: ${DEFAULT-VALUE}).")
  int scheduleSeconds;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A runex setting to change from its default, e.g. --set runex.topology.punctuateInterval=50ms"
              + " (repeatable; default: none, runex as users get it).")
  Map<String, String> overrides = new java.util.LinkedHashMap<>();

  private boolean statusEnabled;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    System.exit(new CommandLine(new DelayedBench()).execute(args));
  }

  /** One load to measure: what it is called, how many jobs fall due over what window. */
  private record Spec(String tag, String label, String target, int count, long windowMs) {
    boolean spread() {
      return tag.equals("s");
    }
  }

  /** A submitted load: the job ids and, at the same index, their due times (epoch ms). */
  private record Load(List<String> ids, List<Long> due) {}

  @Override
  public Integer call() throws Exception {
    BenchInfra infra = BenchInfra.start();
    Thread cleanup = new Thread(infra::close, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    List<String> rows = new ArrayList<>();
    List<String> indexRows = new ArrayList<>();
    boolean complete = true;
    String prefix =
        "delayed-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + ".";
    RunexUnderTest runex =
        RunexUnderTest.configured(
            infra.bootstrapServers(),
            infra.registryUrl(),
            prefix,
            infra.stateDir("delayed"),
            overrides);
    String settings = settings(runex.config());
    statusEnabled = runex.config().bool(Settings.TOPOLOGY_STATUS_ENABLED);
    try {
      runex.provision();
      runex.start();
      try (TimedResults results =
              new TimedResults(
                  infra.bootstrapServers(), runex.resultsTopic(), runex::decodeResult);
          DelayedEntries entries =
              new DelayedEntries(
                  infra.bootstrapServers(), runex.eventsTopic(), runex::decodeEvent);
          Submitter submitter = new Submitter(infra.bootstrapServers(), runex.intakeTopic())) {
        warmUp(submitter, results);
        List<Spec> specs = new ArrayList<>();
        specs.add(
            new Spec(
                "s",
                String.format(Locale.ROOT, "due spread over %d s", spreadSeconds),
                "p99 start − due ≤ " + SPREAD_TARGET_P99_MS + " ms",
                jobs,
                spreadSeconds * 1000L));
        if (burstJobs > 0) {
          specs.add(
              new Spec(
                  "b",
                  "due within one second",
                  "all started ≤ " + BURST_TARGET_MAX_MS / 1000 + " s after due",
                  burstJobs,
                  1000L));
        }
        for (Spec spec : specs) {
          Load load = submit(submitter, spec);
          long lastDue = load.due().stream().mapToLong(Long::longValue).max().orElseThrow();
          Duration wait =
              Duration.ofMillis(Math.max(0, lastDue - System.currentTimeMillis()))
                  .plusSeconds(timeoutSeconds);
          complete &= results.awaitAll(load.ids(), wait);
          Lateness lateness = lateness(load, results, id -> true);
          boolean met =
              spec.spread()
                  ? lateness.start().p99() <= SPREAD_TARGET_P99_MS
                  : lateness.start().max() <= BURST_TARGET_MAX_MS
                      && lateness.start().count() == spec.count();
          rows.add(row(spec, load, lateness, met, results, entries.countOf(load.ids())));
          // The jobs that reached the delay index before they were due: its own lateness.
          Lateness indexed = lateness(load, results, entries::waited);
          indexRows.add(
              String.format(
                  Locale.ROOT,
                  "| %s, waited in the delay index | %,d | %s | %s | %,d |",
                  spec.label(),
                  indexed.start().count(),
                  indexed.start().render(),
                  indexed.result().render(),
                  indexed.startedEarly()));
          log.info(
              "{}: start − due {} ms ({} ms for the jobs that waited in the delay index)",
              spec.label(),
              lateness.start().render(),
              indexed.start().render());
        }
        if (schedules > 0 && scheduleSeconds > 0) {
          Spec spec =
              new Spec(
                  "c",
                  String.format(
                      Locale.ROOT,
                      "%d schedules every second for %d s (skip)",
                      schedules,
                      scheduleSeconds),
                  "none",
                  0,
                  scheduleSeconds * 1000L);
          Load load = fireSchedules(infra.bootstrapServers(), runex.schedulesTopic(), results);
          Lateness lateness = lateness(load, results, id -> true);
          rows.add(row(spec, load, lateness, null, results, entries.countOf(load.ids())));
          log.info("{}: start − due {} ms", spec.label(), lateness.start().render());
        }
      }
    } finally {
      runex.close();
      infra.close();
      removeHook(cleanup);
    }
    printReport(rows, indexRows, settings);
    return complete ? 0 : 1;
  }

  /** Immediate echo jobs, until all have results: the pipeline is running and its JIT warm. */
  private void warmUp(Submitter submitter, TimedResults results) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < warmupJobs; i++) {
      String id = "warmup-" + i;
      ids.add(id);
      submitter.submit(id, request(null));
    }
    submitter.flush();
    log.info("warm-up: {} immediate jobs submitted", warmupJobs);
    if (!results.awaitAll(ids, Duration.ofSeconds(180))) {
      throw new IllegalStateException("the warm-up jobs did not all finish within 180 s");
    }
    log.info("warm-up done");
  }

  private Load submit(Submitter submitter, Spec spec) {
    long firstDue = System.currentTimeMillis() + leadMs;
    List<Long> due = DuePlan.of(firstDue, spec.windowMs(), spec.count(), 42);
    List<String> ids = new ArrayList<>(spec.count());
    for (int i = 0; i < spec.count(); i++) {
      String id = spec.tag() + "-" + i;
      ids.add(id);
      submitter.submit(id, request(due.get(i)));
    }
    submitter.flush();
    log.info(
        "{}: {} jobs submitted; the first falls due in {} ms, the last in {} ms",
        spec.label(),
        spec.count(),
        firstDue - System.currentTimeMillis(),
        firstDue + spec.windowMs() - System.currentTimeMillis());
    return new Load(ids, due);
  }

  /** An {@code echo} request, due at {@code dueMs} (epoch ms) or at once when null. */
  static String request(Long dueMs) {
    String json = "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"d\"}";
    return dueMs == null ? json + "}" : json + ",\"notBefore\":" + dueMs + "}";
  }

  private static Lateness lateness(
      Load load, TimedResults results, java.util.function.Predicate<String> which) {
    List<Lateness.Sample> samples = new ArrayList<>();
    for (int i = 0; i < load.ids().size(); i++) {
      TimedResults.Seen seen = results.get(load.ids().get(i));
      if (seen != null && which.test(load.ids().get(i))) {
        Instant started = seen.result().getStartedAt();
        samples.add(
            new Lateness.Sample(
                load.due().get(i),
                started == null ? null : started.toEpochMilli(),
                seen.visibleMs()));
      }
    }
    return Lateness.of(samples);
  }

  /**
   * Defines {@link #schedules} schedules firing every second, lets them fire for {@link
   * #scheduleSeconds}, deletes them and returns their firings that came 2 s or more after the
   * definitions (the first ones may fall within the lead of the definition's arrival), each due at
   * its fire time (the job id is {@code <name>@<fire time>}).
   */
  private Load fireSchedules(String bootstrapServers, String topic, TimedResults results)
      throws InterruptedException {
    String prefix = "cron-" + Long.toString(System.currentTimeMillis() % 1_000_000L, 36) + "-";
    long defined = System.currentTimeMillis();
    try (Submitter writer = new Submitter(bootstrapServers, topic)) {
      for (int i = 0; i < schedules; i++) {
        writer.submit(
            prefix + i,
            "{\"name\":\""
                + prefix
                + i
                + "\",\"cron\":\"* * * * * *\",\"job\":{\"type\":\"echo\","
                + "\"tenant\":\"demo\",\"params\":{\"message\":\"c\"}}}");
      }
      writer.flush();
      log.info("{} schedules defined, firing every second for {} s", schedules, scheduleSeconds);
      Thread.sleep(scheduleSeconds * 1000L);
      for (int i = 0; i < schedules; i++) {
        writer.delete(prefix + i);
      }
      writer.flush();
    }
    Thread.sleep(5_000); // the last firings' results
    List<String> ids = new ArrayList<>();
    List<Long> due = new ArrayList<>();
    for (String id : results.idsStartingWith(prefix)) {
      long fireAt = Instant.parse(id.substring(id.indexOf('@') + 1)).toEpochMilli();
      if (fireAt >= defined + 2_000) {
        ids.add(id);
        due.add(fireAt);
      }
    }
    return new Load(ids, due);
  }

  private static String row(
      Spec spec, Load load, Lateness l, Boolean met, TimedResults results, int waitedInIndex) {
    long failed =
        load.ids().stream()
            .map(results::get)
            .filter(s -> s != null)
            .map(TimedResults.Seen::result)
            .map(JobResult::getStatus)
            .filter(s -> s != JobStatus.SUCCEEDED)
            .count();
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d | %,d | %s | %s | %,d | %,d | %,d | %s | %s |",
        spec.label(),
        load.ids().size(),
        l.result().count(),
        waitedInIndex,
        l.start().render(),
        l.result().render(),
        l.startedEarly(),
        failed,
        l.firstDueToLastStartMs(),
        spec.target(),
        met == null ? "" : met ? "met" : "MISSED");
  }

  private void printReport(List<String> rows, List<String> indexRows, String settings) {
    System.out.printf(
        Locale.ROOT,
        "%nDelayed jobs: runex %s (job-status application %s; events, metrics on), topology + one"
            + " worker in the bench JVM; %s; echo jobs due (notBefore) %,d ms or more after"
            + " submission began%n",
        overrides.isEmpty() ? "default configuration" : "with " + overrides,
        statusEnabled ? "on" : "off",
        settings,
        leadMs);
    System.out.println(
        "| load | jobs | results | waited in the delay index | start − due p50 / p99 / max (ms) | result − due p50 / p99 / max"
            + " (ms) | started early | not SUCCEEDED | first due → last start (ms) | target | |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.println(
        "Of those, the jobs that reached the delay index before they were due (a DELAYED event);"
            + " the others were due on arrival, late by the intake and validation stages:");
    System.out.println(
        "| load | jobs | start − due p50 / p99 / max (ms) | result − due p50 / p99 / max (ms) |"
            + " started early |");
    System.out.println("|---|---:|---:|---:|---:|");
    indexRows.forEach(System.out::println);
  }

  /** The settings that bound a delayed job's lateness, as this run has them. */
  private static String settings(RunexConfig cfg) {
    return java.util.stream.Stream.of(
                Settings.TOPOLOGY_PUNCTUATE_INTERVAL,
                Settings.TOPOLOGY_COMMIT_INTERVAL,
                Settings.WORKER_COMMIT_INTERVAL)
            .map(s -> s.key() + " " + cfg.duration(s).toMillis() + " ms")
            .collect(java.util.stream.Collectors.joining(", "))
        + ", "
        + Settings.TOPIC_PARTITIONS.key()
        + " "
        + cfg.intValue(Settings.TOPIC_PARTITIONS);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
  }
}
