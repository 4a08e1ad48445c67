package dev.runex.bench.io;

import dev.runex.bench.BenchInfra;
import dev.runex.bench.measure.CpuUse;
import dev.runex.bench.measure.Percentiles;
import dev.runex.bench.measure.ResultReader;
import dev.runex.bench.scaling.Submitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * I/O-bound jobs, runex beside Confluent's Parallel Consumer, in one run on one broker: each job
 * waits {@code --job-ms} (runex: the built-in {@code sleep} handler; Parallel Consumer: a sleep on
 * its worker thread) and produces one result, with the same partitions and the same number of jobs
 * at once ({@code --concurrency}: runex's worker slots, Parallel Consumer's maxConcurrency). For
 * each system, after an unmeasured warm-up: a drain of {@code --jobs} submitted at once (steady
 * jobs/s and CPU per job of the bench JVM, broker and registry — both systems run in the bench JVM)
 * and intake → result latency at {@code --rate} for {@code --latency-seconds}.
 */
@Command(
    name = "io",
    mixinStandardHelpOptions = true,
    description =
        "I/O-bound jobs: runex vs Confluent's Parallel Consumer (jobs/s, CPU per job, latency).")
public final class IoBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(IoBench.class);

  @Option(
      names = "--job-ms",
      defaultValue = "50",
      description = "Time each job waits (default: ${DEFAULT-VALUE}).")
  int jobMs;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Jobs at once, both systems (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of every topic, both systems (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--jobs",
      defaultValue = "6000",
      description = "Jobs of the measured drain (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--warmup-jobs",
      defaultValue = "1500",
      description = "Unmeasured jobs first (default: ${DEFAULT-VALUE}).")
  int warmupJobs;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description =
          "Offered load of the latency measurement, jobs/s (default: half the ideal rate, concurrency × 1000 / job-ms).")
  int rate;

  @Option(
      names = "--latency-seconds",
      defaultValue = "20",
      description = "Time at --rate (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "100",
      description =
          "Parallel Consumer's commit interval (default: runex's worker commit interval, ${DEFAULT-VALUE}).")
  int commitIntervalMs;

  @Option(
      names = "--systems",
      defaultValue = "runex,pc",
      split = ",",
      description = "Systems to measure, in order: runex, pc (default: ${DEFAULT-VALUE}).")
  List<String> systems;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "300",
      description = "Longest wait for one phase's results (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    System.exit(new CommandLine(new IoBench()).execute(args));
  }

  /** One system's numbers; NaN / null where a phase could not be measured. */
  record Measured(
      String name, double jobsPerSecond, double cpuMsPerJob, Percentiles latency, int failed) {}

  @Override
  public Integer call() {
    for (String s : systems) {
      if (!s.equals("runex") && !s.equals("pc")) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--systems: unknown system '" + s + "'; expected runex or pc");
      }
    }
    int offered = rate > 0 ? rate : idealRate() / 2;
    BenchInfra infra = BenchInfra.start();
    Thread cleanup = new Thread(infra::close, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    List<Measured> measured = new ArrayList<>();
    boolean complete = true;
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    try {
      for (String s : systems) {
        String prefix = "io-" + run + "-" + s + ".";
        IoSubject subject =
            s.equals("runex")
                ? new RunexIo(
                    infra.bootstrapServers(),
                    infra.registryUrl(),
                    prefix,
                    infra.stateDir(prefix),
                    partitions,
                    concurrency)
                : new ParallelConsumerIo(
                    infra.bootstrapServers(),
                    prefix,
                    partitions,
                    concurrency,
                    jobMs,
                    Duration.ofMillis(commitIntervalMs));
        try {
          Measured m = measure(infra, subject, offered);
          measured.add(m);
          complete &= !Double.isNaN(m.jobsPerSecond()) && m.latency() != null;
        } catch (RuntimeException e) {
          log.error("{} could not be measured", subject.name(), e);
          measured.add(new Measured(subject.name(), Double.NaN, Double.NaN, null, 0));
          complete = false;
        } finally {
          subject.close();
          infra.deleteTopics(prefix);
        }
      }
    } finally {
      infra.close();
      removeHook(cleanup);
    }
    printReport(measured, offered);
    return complete ? 0 : 1;
  }

  private int idealRate() {
    return concurrency * 1000 / jobMs;
  }

  private Measured measure(BenchInfra infra, IoSubject subject, int offered) {
    subject.provision();
    subject.start();
    Map<String, Long> arrivals = new ConcurrentHashMap<>();
    AtomicInteger failed = new AtomicInteger();
    String request = Submitter.sleepRequest(jobMs);
    try (ResultReader reader =
            new ResultReader(
                    infra.bootstrapServers(),
                    subject.resultsTopic(),
                    subject::succeeded,
                    (id, ok, nanos) -> {
                      if (arrivals.putIfAbsent(id, nanos) == null && !ok) {
                        failed.incrementAndGet();
                      }
                    })
                .start();
        Submitter submitter = new Submitter(infra.bootstrapServers(), subject.intakeTopic())) {
      log.info("{}: warm-up, {} jobs", subject.name(), warmupJobs);
      await(arrivals, submitAll(submitter, request, "w", warmupJobs), subject);
      log.info("{}: drain, {} jobs", subject.name(), jobs);
      Optional<CpuUse> before = infra.cpuMeter().now();
      List<String> drained = submitAll(submitter, request, "d", jobs);
      await(arrivals, drained, subject);
      Optional<CpuUse> after = infra.cpuMeter().now();
      double perSecond = IoStats.steadyRate(drained.stream().mapToLong(arrivals::get).toArray());
      double cpu =
          before.isPresent() && after.isPresent()
              ? IoStats.cpuMsPerJob(after.get().since(before.get()).total().toNanos(), jobs)
              : Double.NaN;
      log.info(
          "{}: {} jobs/s, {} ms CPU per job; latency at {} jobs/s for {} s",
          subject.name(),
          String.format(Locale.ROOT, "%.0f", perSecond),
          String.format(Locale.ROOT, "%.2f", cpu),
          offered,
          latencySeconds);
      Map<String, Long> sent = paced(submitter, request, offered);
      await(arrivals, List.copyOf(sent.keySet()), subject);
      long[] latencies =
          sent.entrySet().stream()
              .mapToLong(e -> (arrivals.get(e.getKey()) - e.getValue()) / 1_000_000)
              .toArray();
      return new Measured(subject.name(), perSecond, cpu, Percentiles.of(latencies), failed.get());
    }
  }

  private static List<String> submitAll(Submitter submitter, String request, String tag, int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = tag + "-" + i;
      ids.add(id);
      submitter.submit(id, request);
    }
    submitter.flush();
    return ids;
  }

  /** Sends {@code offered} jobs a second for {@code --latency-seconds}; id → send time (nanos). */
  private Map<String, Long> paced(Submitter submitter, String request, int offered) {
    Map<String, Long> sent = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    int total = offered * latencySeconds;
    for (int i = 0; i < total; i++) {
      long due = start + (long) i * 1_000_000_000L / offered;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        sleepNanos(wait);
      }
      String id = "l-" + i;
      sent.put(id, System.nanoTime());
      submitter.submit(id, request);
      submitter.flush(); // each job goes out when it is offered, not with the next batch
    }
    return sent;
  }

  private void await(Map<String, Long> arrivals, List<String> ids, IoSubject subject) {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    for (String id : ids) {
      while (!arrivals.containsKey(id)) {
        if (System.nanoTime() > deadline
            || subject instanceof ParallelConsumerIo pc && pc.failed()) {
          long seen = ids.stream().filter(arrivals::containsKey).count();
          throw new IllegalStateException(
              subject.name()
                  + ": "
                  + seen
                  + " of "
                  + ids.size()
                  + " results within "
                  + timeoutSeconds
                  + " s");
        }
        sleepNanos(20_000_000);
      }
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void printReport(List<Measured> measured, int offered) {
    System.out.printf(
        Locale.ROOT,
        "%nI/O-bound jobs: %d ms each, %d at once, %d partitions (ideal %,d jobs/s); drain of %,d jobs,"
            + " latency at %,d jobs/s for %d s; CPU: bench JVM + broker + registry%n",
        jobMs,
        concurrency,
        partitions,
        idealRate(),
        jobs,
        offered,
        latencySeconds);
    System.out.println(
        "| system | jobs/s (steady 10-90 %) | CPU per job (ms) | intake → result p50 / p99 / max (ms) | not succeeded |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Measured m : measured) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %.2f | %s | %d |%n",
          m.name(),
          m.jobsPerSecond(),
          m.cpuMsPerJob(),
          m.latency() == null ? "n/a" : m.latency().render(),
          m.failed());
    }
    Optional<Measured> runex = measured.stream().filter(m -> m.name().equals("runex")).findFirst();
    Optional<Measured> pc = measured.stream().filter(m -> !m.name().equals("runex")).findFirst();
    if (runex.isPresent() && pc.isPresent()) {
      double ratio = IoStats.ratio(runex.get().jobsPerSecond(), pc.get().jobsPerSecond());
      System.out.printf(
          Locale.ROOT,
          "runex / Parallel Consumer jobs/s: %.2f× (target ≥ 1×: %s); CPU per job: %.2f×%n",
          ratio,
          Double.isNaN(ratio) ? "not measured" : ratio >= 1 ? "met" : "MISSED",
          IoStats.ratio(runex.get().cpuMsPerJob(), pc.get().cpuMsPerJob()));
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
  }
}
