package dev.runex.bench;

import dev.runex.bench.measure.CpuUse;
import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.LatencyResult;
import dev.runex.bench.measure.NativeThreadCpu;
import dev.runex.bench.measure.Outcome;
import dev.runex.bench.measure.ThreadCpu;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's printed result: machine facts, parameters, and a table of bare chain vs runex
 * with the ratios runex/baseline and the project's targets marked PASS or MISS: drain throughput >=
 * 0.30x and CPU per job <= 3.5x the bare chain's, latency p50 <= 0.35x and p99 <= 0.5x, and the
 * job-status application done folding within 1.2x of the time to runex's last result. Targets are
 * reported, never enforced: a benchmark informs, it does not fail builds. After the table, a
 * reference block per reference baseline compares runex's drain with bare chains that write runex's
 * records per job (no target: they show how much of the gap is Kafka record work, and Kafka
 * Streams' own work, alone).
 */
final class Report {
  static final double THROUGHPUT_TARGET = 0.30;
  static final double CPU_TARGET = 3.5;
  static final double P50_TARGET = 0.35;
  static final double P99_TARGET = 0.5;
  static final double ALL_DONE_TARGET = 1.2;
  private static final String ROW = "%-40s %14s %14s %11s %9s  %s%n";

  /** A reference baseline: what it writes per job, and how its first hops run. */
  enum Reference {
    RUNEX_RECORDS(
        "runex-records",
        "bare chain writing the records runex wrote per job before its one-hop dispatch (3+2+3 and a status reader writing 3 of 5 events)"),
    LIFECYCLE_RECORDS(
        "lifecycle-records",
        "bare chain writing the lifecycle records runex wrote per job before its one-hop dispatch (3+2+3, no status reader)"),
    STREAMS_HOPS(
        "streams-hops",
        "bare chain writing the lifecycle records runex wrote per job before its one-hop dispatch (3+2+3, no status reader), its first"
            + " two hops one Kafka Streams application"),
    RUNEX_STATUS_OFF(
        "runex-status-off",
        "runex with its job-status application off (runex.topology.statusEnabled:"
            + " false), otherwise as users get it");

    /** Its name on the command line ({@code --reference}). */
    final String option;

    final String title;

    Reference(String option, String title) {
      this.option = option;
      this.title = title;
    }
  }

  /** One reference baseline's drain. */
  record ReferenceDrain(Reference reference, Outcome<DrainResult> drain) {}

  /**
   * The measured phases.
   *
   * @param references the drains of the reference baselines, in the order they ran; none when
   *     skipped ({@code --reference none})
   */
  record Results(
      Outcome<DrainResult> bareDrain,
      Outcome<DrainResult> runexDrain,
      Outcome<LatencyResult> bareLatency,
      Outcome<LatencyResult> runexLatency,
      List<ReferenceDrain> references) {}

  private final Duration commitInterval;
  private final StringBuilder out = new StringBuilder();
  private final List<String> notes = new ArrayList<>();

  private Report(Duration commitInterval) {
    this.commitInterval = commitInterval;
  }

  static String render(BenchParams p, Results r) {
    Report report = new Report(p.commitInterval());
    report.header(p);
    report.drain(r.bareDrain(), r.runexDrain());
    report.latency(r.bareLatency(), r.runexLatency());
    if (r.references().isEmpty()) {
      report.out.append("\nreference: skipped (--reference none)\n");
    }
    r.references().forEach(ref -> report.reference(ref, r.runexDrain()));
    report.footer(r);
    return report.out.toString();
  }

  /** Machine and JVM facts, printed at start and in the report. */
  static String machine() {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        Locale.ROOT,
        "%d cores, %s %s %s, Java %s (%s, %s), bench JVM max heap %d MB, Kafka clients %s",
        rt.availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vendor"),
        System.getProperty("java.vm.name"),
        rt.maxMemory() >> 20,
        kafkaClientsVersion());
  }

  /**
   * Read the way Kafka's clients report their own version (their internal AppInfoParser is not
   * API).
   */
  private static String kafkaClientsVersion() {
    try (InputStream in =
        Report.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      Properties props = new Properties();
      if (in != null) {
        props.load(in);
      }
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String parameters(BenchParams p) {
    return String.format(
            Locale.ROOT,
            "drain %d jobs (after a %d-job warm-up drain per system); latency at %d jobs/s, %d s warm-up + %d s measured;%n"
                + "            %d partitions per topic, the bare chain commits every %d ms (runex: its defaults), intake values %d B (JSON echo request),"
                + " phase timeout %d s",
            p.records(),
            p.warmupRecords(),
            p.rate(),
            p.warmup().toSeconds(),
            p.measure().toSeconds(),
            p.partitions(),
            p.commitInterval().toMillis(),
            p.valueBytes(),
            p.phaseTimeout().toSeconds())
        + (p.quotaMaxInFlight() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "%n            runex with quotas.default.maxInFlight %d: every job passes the quota gate",
                p.quotaMaxInFlight()))
        + (p.runexSettings().isEmpty()
            ? ""
            : String.format(
                Locale.ROOT,
                "%n            runex with settings changed from its defaults: %s",
                new TreeMap<>(p.runexSettings())));
  }

  private void header(BenchParams p) {
    out.append("\n=== runex end-to-end benchmark: bare transactional chain vs runex ===\n");
    out.append("machine   : ").append(machine()).append('\n');
    out.append("            broker and schema registry run as child processes on the same cores\n");
    out.append("parameters: ").append(parameters(p)).append("\n\n");
    out.append(
        String.format(
            Locale.ROOT, ROW, "", "bare chain", "runex", "runex/bare", "target", "verdict"));
  }

  private void drain(Outcome<DrainResult> bare, Outcome<DrainResult> runex) {
    throughput(bare, runex, true);
    cpu(bare, runex, true);
    row(
        "drain: start to first result (s)",
        bare,
        runex,
        d -> seconds(d.startToFirst().toNanos()),
        Double.NaN,
        "",
        "");
    allDone(bare, runex, true);
    row(
        "drain: missing/failed/dup/refused",
        bare,
        runex,
        d ->
            problems(
                d.expected() - d.failedSends() - d.received(),
                d.failed(),
                d.duplicates(),
                d.failedSends()),
        Double.NaN,
        "",
        "");
  }

  /**
   * The drain throughput rows of runex against {@code baseline}: steady (with the throughput target
   * and its verdict when {@code withTarget}) and from start.
   */
  private void throughput(
      Outcome<DrainResult> baseline, Outcome<DrainResult> runex, boolean withTarget) {
    ThroughputComparison steady =
        ThroughputComparison.of(baseline, runex, commitInterval, THROUGHPUT_TARGET);
    String target = "";
    String verdict = "";
    if (withTarget) {
      target = ">= " + times(THROUGHPUT_TARGET);
      verdict =
          steady.verdict().equals("n/a") || complete(baseline, runex)
              ? steady.verdict()
              : steady.verdict() + " (incomplete run)";
    }
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "drain throughput, steady 10-90% (jobs/s)",
            steady.bareCell(),
            steady.runexCell(),
            steady.ratioCell(),
            target,
            verdict));
    if (steady.bounded()) {
      notes.add(
          "a drain delivered its 10-90% results within two commit intervals, faster than transactions"
              + " let results be timed: its rate is shown as a lower bound (>=); raise --records to measure it");
    }
    row(
        "drain throughput, from start (jobs/s)",
        baseline,
        runex,
        d -> count(d.wallJobsPerSecond()),
        ratio(baseline, runex, DrainResult::wallJobsPerSecond),
        "",
        "");
  }

  private void latency(Outcome<LatencyResult> bare, Outcome<LatencyResult> runex) {
    double p50 = ratio(bare, runex, l -> l.p50Micros());
    row(
        "latency p50 (ms)",
        bare,
        runex,
        l -> millis(l.p50Micros()),
        p50,
        "<= " + times(P50_TARGET),
        verdict(p50 <= P50_TARGET, p50, complete(bare, runex)));
    row(
        "latency p90 (ms)",
        bare,
        runex,
        l -> millis(l.p90Micros()),
        ratio(bare, runex, l -> l.p90Micros()),
        "",
        "");
    double p99 = ratio(bare, runex, l -> l.p99Micros());
    row(
        "latency p99 (ms)",
        bare,
        runex,
        l -> millis(l.p99Micros()),
        p99,
        "<= " + times(P99_TARGET),
        verdict(p99 <= P99_TARGET, p99, complete(bare, runex)));
    row(
        "latency p99.9 (ms)",
        bare,
        runex,
        l -> millis(l.p999Micros()),
        ratio(bare, runex, l -> l.p999Micros()),
        "",
        "");
    row(
        "latency max (ms)",
        bare,
        runex,
        l -> millis(l.maxMicros()),
        ratio(bare, runex, l -> l.maxMicros()),
        "",
        "");
    row(
        "latency: missing/failed/dup/refused",
        bare,
        runex,
        l ->
            problems(
                l.expected() - l.failedSends() - l.received(),
                l.failed(),
                l.duplicates(),
                l.failedSends()),
        Double.NaN,
        "",
        "");
    row(
        "latency: producer max behind schedule (ms)",
        bare,
        runex,
        l -> millis(l.maxSendLate().toNanos() / 1_000),
        Double.NaN,
        "",
        "");
  }

  /** A reference baseline: no target, only runex's ratio to it. */
  private void reference(ReferenceDrain reference, Outcome<DrainResult> runex) {
    out.append("\nreference: ").append(reference.reference().title).append('\n');
    out.append(String.format(Locale.ROOT, ROW, "", "reference", "runex", "runex/ref", "", ""));
    throughput(reference.drain(), runex, false);
    cpu(reference.drain(), runex, false);
    allDone(reference.drain(), runex, false);
  }

  /**
   * When all was done (every result out and any consumer off the result path caught up: runex's
   * job-status application) and the rate from the start to then.
   */
  private void allDone(
      Outcome<DrainResult> baseline, Outcome<DrainResult> runex, boolean withTarget) {
    row(
        "drain: start to last result (s)",
        baseline,
        runex,
        d -> seconds(d.startToLast().toNanos()),
        Double.NaN,
        "",
        "");
    row(
        "drain: start to all done (s)",
        baseline,
        runex,
        d -> d.startToAllDone().map(t -> seconds(t.toNanos())).orElse("-"),
        Double.NaN,
        "",
        "");
    row(
        "drain throughput, start to all done (jobs/s)",
        baseline,
        runex,
        d -> count(d.allDoneJobsPerSecond()),
        ratio(baseline, runex, DrainResult::allDoneJobsPerSecond),
        "",
        "");
    // the system's own ratio, not runex/baseline: how long its off-path readers trailed
    double runexAllDone = value(runex, DrainResult::allDoneOverLastResult);
    row(
        "drain: all done / last result",
        baseline,
        runex,
        d -> Double.isNaN(d.allDoneOverLastResult()) ? "-" : times(d.allDoneOverLastResult()),
        Double.NaN,
        withTarget ? "<= " + times(ALL_DONE_TARGET) : "",
        withTarget
            ? verdict(runexAllDone <= ALL_DONE_TARGET, runexAllDone, complete(baseline, runex))
            : "");
  }

  /**
   * CPU time per job in the steady span, with runex's ratio: all processes, then the bench JVM (the
   * system under test, the result reader) — split by the part of runex its Java threads work for,
   * and what runs in no Java thread (the JVM's collector and compiler, RocksDB's background
   * threads) — and the servers (broker, registry); and how many of the machine's cores that kept
   * busy.
   */
  private void cpu(Outcome<DrainResult> baseline, Outcome<DrainResult> runex, boolean withTarget) {
    double cpu = ratio(baseline, runex, DrainResult::steadyCpuMicrosPerJob);
    row(
        "drain CPU per job, steady (us)",
        baseline,
        runex,
        d -> micros(d.steadyCpuMicrosPerJob()),
        cpu,
        withTarget ? "<= " + times(CPU_TARGET) : "",
        withTarget ? verdict(cpu <= CPU_TARGET, cpu, complete(baseline, runex)) : "");
    row(
        "  of which bench JVM (us)",
        baseline,
        runex,
        d -> micros(cpuPart(d, CpuUse::benchJvm)),
        ratio(baseline, runex, d -> cpuPart(d, CpuUse::benchJvm)),
        "",
        "");
    for (String part :
        List.of(ThreadCpu.TOPOLOGY, ThreadCpu.STATUS, ThreadCpu.WORKER, ThreadCpu.OTHER)) {
      row(
          "    " + part + " threads (us)",
          baseline,
          runex,
          d -> micros(threadPart(d, part)),
          Double.NaN,
          "",
          "");
    }
    row(
        "    JVM GC/JIT, RocksDB threads (us)",
        baseline,
        runex,
        d -> micros(cpuPart(d, c -> c.benchJvm().minus(c.threads().total()))),
        Double.NaN,
        "",
        "");
    for (String kind :
        List.of(NativeThreadCpu.COMPILER, NativeThreadCpu.COLLECTOR, NativeThreadCpu.ROCKSDB)) {
      row(
          "      " + kind + " (us)",
          baseline,
          runex,
          d -> micros(nativePart(d, CpuUse::benchNative, kind)),
          Double.NaN,
          "",
          "");
    }
    row(
        "  of which broker + registry (us)",
        baseline,
        runex,
        d -> micros(cpuPart(d, CpuUse::servers)),
        ratio(baseline, runex, d -> cpuPart(d, CpuUse::servers)),
        "",
        "");
    row(
        "    their " + NativeThreadCpu.COMPILER + " (us)",
        baseline,
        runex,
        d -> micros(nativePart(d, CpuUse::serversNative, NativeThreadCpu.COMPILER)),
        Double.NaN,
        "",
        "");
    row(
        "drain cores busy, steady",
        baseline,
        runex,
        d -> decimal(d.steadyCoresBusy()),
        Double.NaN,
        "",
        "");
  }

  /** CPU per job of the bench JVM's threads working for {@code part}; NaN when none did. */
  private static double threadPart(DrainResult d, String part) {
    return d.steadyCpu()
        .map(c -> c.threads().byPart().get(part))
        .map(used -> CpuUse.microsPerJob(used, d.steadyJobs()))
        .orElse(Double.NaN);
  }

  /**
   * CPU per job of one kind of thread that runs no Java code, of the bench JVM or the servers; NaN
   * where {@code /proc} did not tell.
   */
  private static double nativePart(
      DrainResult d, Function<CpuUse, NativeThreadCpu> process, String kind) {
    return d.steadyCpu()
        .map(process)
        .filter(NativeThreadCpu::known)
        .map(n -> CpuUse.microsPerJob(n.get(kind), d.steadyJobs()))
        .orElse(Double.NaN);
  }

  private static double cpuPart(DrainResult d, Function<CpuUse, Duration> part) {
    return d.steadyCpu()
        .map(c -> CpuUse.microsPerJob(part.apply(c), d.steadyJobs()))
        .orElse(Double.NaN);
  }

  private void footer(Results r) {
    note("bare chain drain", r.bareDrain());
    note("runex drain", r.runexDrain());
    note("bare chain latency", r.bareLatency());
    note("runex latency", r.runexLatency());
    r.references()
        .forEach(ref -> note("reference " + ref.reference().option + " drain", ref.drain()));
    out.append('\n');
    out.append(
        "steady throughput = results read between the reads that passed 10% and 90% of the results, over that time\n");
    out.append(
        "  (start-up excluded); from start = from starting the system to the last result (start-up included);\n");
    out.append(
        "latency = scheduled intake send -> result read by a read_committed consumer (HdrHistogram);\n");
    out.append(
        "missing/failed/dup/refused = no result / result not SUCCEEDED / second result / intake send refused;\n");
    out.append(
        "all done = every result read and the consumers off the result path (runex's job-status application,\n");
    out.append("  the reference's status reader) caught up with their topics;\n");
    out.append(
        "CPU per job = CPU time (user + system) of the bench JVM, where the system under test runs, and of the\n");
    out.append(
        "  broker and registry processes, used between those same 10% and 90% reads, over the jobs read between them.\n");
    out.append(
        "  Threads that run no Java code (JIT compiler, garbage collector, RocksDB) are told apart by their names\n");
    out.append(
        "  in /proc. Each measured phase starts once the JIT compilers of the bench JVM and the servers have\n");
    out.append(
        "  used at most 5% of a core over 2 s (waiting at most 180 s): a long-running process has compiled its hot code.\n");
    notes.stream().distinct().forEach(n -> out.append("note: ").append(n).append('\n'));
  }

  private <T> void row(
      String label,
      Outcome<T> bare,
      Outcome<T> runex,
      Function<T, String> cell,
      double ratio,
      String target,
      String verdict) {
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            label,
            cell(bare, cell),
            cell(runex, cell),
            Double.isNaN(ratio) ? "" : times(ratio),
            target,
            verdict));
  }

  private void note(String phase, Outcome<?> outcome) {
    if (outcome instanceof Outcome.Failed<?> f) {
      notes.add(phase + " failed: " + f.reason());
    } else if (outcome instanceof Outcome.Measured<?> m && !completeValue(m.value())) {
      notes.add(
          phase
              + " is incomplete (results missing after the phase timeout); its numbers cover only what arrived");
    }
  }

  private static <T> String cell(Outcome<T> o, Function<T, String> f) {
    return o instanceof Outcome.Measured<T> m ? f.apply(m.value()) : "failed";
  }

  private static <T> double ratio(Outcome<T> bare, Outcome<T> runex, ToDoubleFunction<T> metric) {
    if (bare instanceof Outcome.Measured<T> b && runex instanceof Outcome.Measured<T> r) {
      double base = metric.applyAsDouble(b.value());
      return base > 0 ? metric.applyAsDouble(r.value()) / base : Double.NaN;
    }
    return Double.NaN;
  }

  private static <T> double value(Outcome<T> o, ToDoubleFunction<T> metric) {
    return o instanceof Outcome.Measured<T> m ? metric.applyAsDouble(m.value()) : Double.NaN;
  }

  private static boolean complete(Outcome<?> bare, Outcome<?> runex) {
    return bare instanceof Outcome.Measured<?> b
        && completeValue(b.value())
        && runex instanceof Outcome.Measured<?> r
        && completeValue(r.value());
  }

  private static boolean completeValue(Object value) {
    return value instanceof DrainResult d
        ? d.complete()
        : value instanceof LatencyResult l && l.complete();
  }

  private static String verdict(boolean met, double ratio, boolean complete) {
    if (Double.isNaN(ratio)) {
      return "n/a";
    }
    return (met ? "PASS" : "MISS") + (complete ? "" : " (incomplete run)");
  }

  private static String problems(int missing, int failed, int duplicates, int refused) {
    return missing + "/" + failed + "/" + duplicates + "/" + refused;
  }

  private static String count(double perSecond) {
    return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String micros(double micros) {
    return Double.isNaN(micros) ? "-" : String.format(Locale.ROOT, "%.1f", micros);
  }

  private static String decimal(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1e3);
  }

  private static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }
}
