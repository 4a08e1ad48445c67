package dev.runex.bench;

import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.Outcome;
import dev.runex.bench.subject.BareChain;
import dev.runex.bench.subject.RunexUnderTest;
import dev.runex.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end benchmark of runex against the bare exactly-once chain it is built from, in one run on
 * one broker: it starts its own Kafka broker and schema registry on free loopback ports, gives each
 * system an unmeasured warm-up drain, then measures for each (a) drain throughput of a preloaded
 * backlog and (b) latency at a fixed offered load, and prints a comparison table with the project's
 * targets. As references (no target), it also drains a backlog through bare chains writing runex's
 * Kafka records per job ({@code --reference}). Each phase has its own topics; everything it starts
 * is stopped and removed at the end. Run it with {@code bench/run.sh}; the exit code is 0 unless a
 * phase could not be measured at all.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "End-to-end benchmark: bare transactional chain vs runex (drain throughput, latency at fixed load).")
public final class EndToEndBench implements Callable<Integer> {

  @Option(
      names = "--records",
      defaultValue = "50000",
      description = "Jobs preloaded for the drain measurement (default: ${DEFAULT-VALUE}).")
  int records;

  // 300,000: after a 50,000-job warm-up HotSpot's one C2 thread (2 cores) still compiled runex's
  // and the clients' hot methods for ~30 s into the measured drains (~670 C2 compilations, 0.3-0.45
  // of a core: 8 us of runex's and 4.7 us of the bare chain's CPU per job), which a long-running
  // process paid long before. Measured phases also wait for the compilers to go quiet
  // (QuietCompilers), and the report gives the compilers' share that remains.
  @Option(
      names = "--warmup-records",
      defaultValue = "300000",
      description = "Jobs of each system's unmeasured warm-up drain (default: ${DEFAULT-VALUE}).")
  int warmupRecords;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      description = "Offered load of the latency measurement, jobs/s (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--duration-seconds",
      defaultValue = "20",
      description = "Measured time at --rate (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "Unmeasured time at --rate before measuring (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of every topic, both systems (default: runex's ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description =
          "Commit interval of every hop of the bare chain and the reference chains (default:"
              + " ${DEFAULT-VALUE}); runex runs with its own defaults, which RUNEX_* environment"
              + " variables override (e.g. RUNEX_TOPOLOGY_COMMIT_INTERVAL=50ms).")
  int commitIntervalMs;

  @Option(
      names = "--value-bytes",
      defaultValue = "100",
      description = "Size of each intake value (default: ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(
      names = "--quota-max-in-flight",
      defaultValue = "0",
      description =
          "runex only: give every tenant "
              + "quotas.default.maxInFlight of this, so every job passes the quota gate (default: 0, no quotas: the "
              + "default configuration).")
  int quotaMaxInFlight;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A runex setting changed from its default for the runex subjects (repeatable; raw Kafka "
              + "client keys too: --set runex.kafka.producer.linger.ms=5). The report lists them. Not the "
              + "partitions: --partitions sets them for every subject.")
  Map<String, String> runexSettings = new LinkedHashMap<>();

  @Option(
      names = "--reference",
      split = ",",
      defaultValue = "runex-records",
      paramLabel = "REF",
      description =
          "Reference baselines to drain after runex, comma-separated (default: ${DEFAULT-VALUE}): "
              + "runex-records (the bare chain writing the records runex wrote per job before its one-hop dispatch: 3+2+3 and a status reader writing 3 of 5 "
              + "events), lifecycle-records (only lifecycle records: 3+2+3, no status reader), streams-hops (the lifecycle "
              + "records, the first two hops one Kafka Streams application with runex's topology settings), "
              + "runex-status-off (runex without its job-status application), or none.")
  List<String> referenceNames;

  @Option(
      names = "--phase-timeout-seconds",
      defaultValue = "300",
      description = "Longest wait for one phase's results (default: ${DEFAULT-VALUE}).")
  int phaseTimeoutSeconds;

  /**
   * Why a {@code --set} is refused, or null: the bench's own options set the partitions of every
   * subject, so a {@code --set} of them would be overwritten without a word (and the report would
   * list the ignored value).
   */
  static String settingOwnedByAnOption(Map<String, String> settings) {
    return settings.containsKey(Settings.TOPIC_PARTITIONS.key())
        ? "--set "
            + Settings.TOPIC_PARTITIONS.key()
            + ": the bench sets the partitions of every subject; use --partitions"
        : null;
  }

  public static void main(String[] args) {
    // Before the first logger exists: the bench's own quiet logging, unless the caller chose one.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    System.exit(new CommandLine(new EndToEndBench()).execute(args));
  }

  @Override
  public Integer call() {
    String refused = settingOwnedByAnOption(runexSettings);
    if (refused != null) {
      System.err.println(refused);
      return 2; // a usage error, as picocli's own
    }
    BenchParams params =
        new BenchParams(
            records,
            warmupRecords,
            valueBytes,
            partitions,
            Duration.ofMillis(commitIntervalMs),
            rate,
            Duration.ofSeconds(warmupSeconds),
            Duration.ofSeconds(durationSeconds),
            Duration.ofSeconds(phaseTimeoutSeconds),
            quotaMaxInFlight,
            runexSettings);
    Logger log = LoggerFactory.getLogger(EndToEndBench.class);
    log.info("machine   : {}", Report.machine());
    log.info("parameters: {}", Report.parameters(params));
    List<Report.Reference> references = references(referenceNames);
    log.info("starting Kafka and the schema registry on free loopback ports");
    BenchInfra infra = BenchInfra.start();
    Thread cleanup =
        new Thread(infra::close, "bench-cleanup"); // Ctrl-C must not leave servers behind
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Report.Results results = measure(infra, params, references);
      System.out.print(Report.render(params, results));
      boolean allMeasured =
          Stream.concat(
                  Stream.of(
                      results.bareDrain(),
                      results.runexDrain(),
                      results.bareLatency(),
                      results.runexLatency()),
                  results.references().stream().map(Report.ReferenceDrain::drain))
              .allMatch(o -> o instanceof Outcome.Measured<?>);
      return allMeasured ? 0 : 1;
    } finally {
      infra.close();
      removeHook(cleanup);
    }
  }

  /** The {@code --reference} values, in order, each once; {@code none} alone means none. */
  static List<Report.Reference> references(List<String> names) {
    if (names.equals(List.of("none"))) {
      return List.of();
    }
    List<Report.Reference> chosen = new ArrayList<>();
    for (String name : names) {
      Report.Reference ref =
          Arrays.stream(Report.Reference.values())
              .filter(r -> r.option.equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new CommandLine.ParameterException(
                          new CommandLine(new EndToEndBench()),
                          "--reference: unknown reference '"
                              + name
                              + "'; expected one of "
                              + Arrays.stream(Report.Reference.values())
                                  .map(r -> r.option)
                                  .collect(Collectors.joining(", "))
                              + ", or none"));
      if (!chosen.contains(ref)) {
        chosen.add(ref);
      }
    }
    return chosen;
  }

  private static Report.Results measure(
      BenchInfra infra, BenchParams p, List<Report.Reference> references) {
    PhaseRunner phases = new PhaseRunner(infra, p);
    PhaseRunner.SystemFactory bare =
        (prefix, stateDir) -> new BareChain(infra.bootstrapServers(), prefix, p);
    PhaseRunner.SystemFactory runex =
        (prefix, stateDir) ->
            new RunexUnderTest(infra.bootstrapServers(), infra.registryUrl(), prefix, stateDir, p);
    // Warm-up: the broker's first transactions and groups, and this JVM's JIT, are slow for a
    // while.
    phases.warmup("warmup-bare", bare, p.warmupRecords());
    for (Report.Reference ref : references) {
      phases.warmup("warmup-" + ref.option, reference(infra, p, ref), p.warmupRecords());
    }
    phases.warmup("warmup-runex", runex, p.warmupRecords());
    Outcome<DrainResult> bareDrain = phases.drain("drain-bare", bare, p.records());
    List<Report.ReferenceDrain> referenceDrains = new ArrayList<>();
    for (Report.Reference ref : references) {
      referenceDrains.add(
          new Report.ReferenceDrain(
              ref, phases.drain("drain-" + ref.option, reference(infra, p, ref), p.records())));
    }
    return new Report.Results(
        bareDrain,
        phases.drain("drain-runex", runex, p.records()),
        phases.latency("latency-bare", bare),
        phases.latency("latency-runex", runex),
        referenceDrains);
  }

  private static PhaseRunner.SystemFactory reference(
      BenchInfra infra, BenchParams p, Report.Reference ref) {
    return (prefix, stateDir) ->
        switch (ref) {
          case RUNEX_RECORDS -> BareChain.withRunexRecords(infra.bootstrapServers(), prefix, p);
          case LIFECYCLE_RECORDS ->
              BareChain.withLifecycleRecords(infra.bootstrapServers(), prefix, p);
          case STREAMS_HOPS ->
              BareChain.withStreamsHops(infra.bootstrapServers(), prefix, p, stateDir);
          case RUNEX_STATUS_OFF ->
              RunexUnderTest.withoutStatus(
                  infra.bootstrapServers(), infra.registryUrl(), prefix, stateDir, p);
        };
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs (and finds everything closed)
    }
  }
}
