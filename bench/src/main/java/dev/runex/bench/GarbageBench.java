package dev.runex.bench;

import dev.runex.bench.load.GarbagePayloads;
import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.Outcome;
import dev.runex.bench.subject.RunexUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The garbage scenario: runex's drain throughput of good jobs with bad intake records interleaved
 * ({@code --garbage-per-job} after each job: malformed JSON, invalid UTF-8, unknown Avro schema
 * ids, ... see {@link GarbagePayloads}) against a clean drain of the same jobs, on one real broker
 * and registry. Clean and garbage drains alternate for {@code --rounds} rounds after a warm-up; it
 * prints each drain's good-job rate (first to last result), the medians and their ratio against the
 * target (good jobs within 10 % of the clean rate). The exit code is 0 unless a drain could not be
 * measured. Run it with {@code bench/run.sh garbage}.
 */
@Command(
    name = "bench garbage",
    mixinStandardHelpOptions = true,
    description =
        "Good jobs' drain throughput with bad records interleaved, against a clean drain (runex).")
public final class GarbageBench implements Callable<Integer> {
  /** The target: good jobs keep at least this share of the clean rate. */
  static final double TARGET_RATIO = 0.90;

  @Option(names = "--records", defaultValue = "20000", description = "Good jobs per drain.")
  int records;

  @Option(
      names = "--warmup-records",
      defaultValue = "20000",
      description = "Jobs of the unmeasured warm-up drain.")
  int warmupRecords;

  @Option(
      names = "--garbage-per-job",
      defaultValue = "1",
      description = "Bad records written after each good job (default: ${DEFAULT-VALUE}).")
  int garbagePerJob;

  @Option(names = "--rounds", defaultValue = "3", description = "Clean/garbage drain pairs.")
  int rounds;

  @Option(names = "--partitions", defaultValue = "6", description = "Partitions of every topic.")
  int partitions;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description = "Commit interval of every transactional hop.")
  int commitIntervalMs;

  @Option(
      names = "--phase-timeout-seconds",
      defaultValue = "300",
      description = "Longest wait for one drain's results.")
  int phaseTimeoutSeconds;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    System.exit(new CommandLine(new GarbageBench()).execute(args));
  }

  @Override
  public Integer call() {
    BenchParams p =
        new BenchParams(
            records,
            warmupRecords,
            100,
            partitions,
            Duration.ofMillis(commitIntervalMs),
            1,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(phaseTimeoutSeconds));
    Logger log = LoggerFactory.getLogger(GarbageBench.class);
    log.info("machine   : {}", Report.machine());
    List<byte[]> garbage = GarbagePayloads.all(8);
    BenchInfra infra = BenchInfra.start();
    Thread cleanup = new Thread(infra::close, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      PhaseRunner phases = new PhaseRunner(infra, p);
      PhaseRunner.SystemFactory runex =
          (prefix, stateDir) ->
              new RunexUnderTest(
                  infra.bootstrapServers(), infra.registryUrl(), prefix, stateDir, p);
      phases.warmup("warmup-runex", runex, p.warmupRecords());
      List<Double> clean = new ArrayList<>();
      List<Double> dirty = new ArrayList<>();
      boolean measured = true;
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "garbage scenario: %,d good jobs per drain, %d bad record(s) after each, %d rounds,"
                  + " %d partitions, %d ms commits%n",
              records,
              garbagePerJob,
              rounds,
              partitions,
              commitIntervalMs));
      for (int r = 1; r <= rounds; r++) {
        Outcome<DrainResult> c = phases.drain("clean-" + r, runex, records);
        Outcome<DrainResult> g =
            phases.drainWithGarbage("garbage-" + r, runex, records, garbage, garbagePerJob);
        measured &= add(out, "clean  ", r, c, clean);
        measured &= add(out, "garbage", r, g, dirty);
      }
      double ratio = median(dirty) / median(clean);
      out.append(
          String.format(
              Locale.ROOT,
              "median good jobs/s (first to last result): clean %.0f, with garbage %.0f;"
                  + " ratio %.3f (target >= %.2f: %s)%n",
              median(clean),
              median(dirty),
              ratio,
              TARGET_RATIO,
              ratio >= TARGET_RATIO ? "met" : "NOT met"));
      System.out.print(out);
      return measured ? 0 : 1;
    } finally {
      infra.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
  }

  /**
   * One drain's line; true when it was measured completely. The rate compared is first to last
   * result: the whole drain without the start-up, so every bad record's cost is in it (the 10-90 %
   * steady rate is shown too, when the drain was long enough for it to mean something).
   */
  private boolean add(
      StringBuilder out, String label, int round, Outcome<DrainResult> o, List<Double> rates) {
    if (o instanceof Outcome.Measured<DrainResult> m && m.value().complete()) {
      DrainResult d = m.value();
      double firstToLast = firstToLast(d);
      rates.add(firstToLast);
      out.append(
          String.format(
              Locale.ROOT,
              "round %d %s: %,.0f good jobs/s first to last result, %s steady (10-90%%),"
                  + " %,.0f/s from start; %d failed, %d duplicates%n",
              round,
              label,
              firstToLast,
              d.steadyMeasurable(Duration.ofMillis(commitIntervalMs))
                  ? String.format(Locale.ROOT, "%,.0f/s", d.steadyJobsPerSecond())
                  : "n/a (too short)",
              d.wallJobsPerSecond(),
              d.failed(),
              d.duplicates()));
      return true;
    }
    out.append(String.format(Locale.ROOT, "round %d %s: not measured (%s)%n", round, label, o));
    return false;
  }

  static double firstToLast(DrainResult d) {
    Duration span = d.startToLast().minus(d.startToFirst());
    return span.isZero() || span.isNegative() ? Double.NaN : d.received() * 1e9 / span.toNanos();
  }

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
