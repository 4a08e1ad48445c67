package dev.runex.bench;

import dev.runex.bench.load.JobPayload;
import dev.runex.bench.measure.CpuMeter;
import dev.runex.bench.measure.DrainMeasurement;
import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.LatencyMeasurement;
import dev.runex.bench.measure.LatencyResult;
import dev.runex.bench.measure.NativeThreadCpu;
import dev.runex.bench.measure.Outcome;
import dev.runex.bench.measure.QuietCompilers;
import dev.runex.bench.subject.SystemUnderTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs one measurement against a freshly created system with its own topic prefix ({@code
 * bench-<run>-<phase>.}), then closes the system and deletes the phase's topics, so no phase sees
 * another's data, consumer groups or transactional ids. A failing phase becomes a {@link
 * Outcome.Failed} and the run goes on.
 */
final class PhaseRunner {
  private static final Logger log = LoggerFactory.getLogger(PhaseRunner.class);

  /** Builds a system under test on the shared broker for one phase. */
  @FunctionalInterface
  interface SystemFactory {
    SystemUnderTest create(String topicPrefix, Path stateDir);
  }

  /** One measurement against a started-fresh system. */
  @FunctionalInterface
  private interface Measurement<T> {
    T run(SystemUnderTest sut) throws InterruptedException;
  }

  private final BenchInfra infra;
  private final BenchParams params;
  private final String runId;
  private final byte[] payload;

  PhaseRunner(BenchInfra infra, BenchParams params) {
    this.infra = infra;
    this.params = params;
    this.runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    this.payload = JobPayload.echoRequest(params.valueBytes());
  }

  /** An unmeasured drain that warms the JVM, the broker and the system's code paths. */
  Outcome<DrainResult> warmup(String phase, SystemFactory factory, int records) {
    return drain(phase, factory, records, false);
  }

  /**
   * A measured drain, once the JIT compilers are done with what came before ({@link
   * QuietCompilers}).
   */
  Outcome<DrainResult> drain(String phase, SystemFactory factory, int records) {
    return drain(phase, factory, records, true);
  }

  private Outcome<DrainResult> drain(
      String phase, SystemFactory factory, int records, boolean measured) {
    return run(
        phase,
        measured,
        factory,
        sut ->
            DrainMeasurement.run(
                sut,
                infra.bootstrapServers(),
                payload,
                records,
                params.phaseTimeout(),
                infra.cpuMeter()));
  }

  /** A drain with {@code garbagePerJob} bad records from {@code garbage} after each job. */
  Outcome<DrainResult> drainWithGarbage(
      String phase, SystemFactory factory, int records, List<byte[]> garbage, int garbagePerJob) {
    return run(
        phase,
        true,
        factory,
        sut ->
            DrainMeasurement.run(
                sut,
                infra.bootstrapServers(),
                payload,
                records,
                garbage,
                garbagePerJob,
                params.phaseTimeout(),
                infra.cpuMeter()));
  }

  Outcome<LatencyResult> latency(String phase, SystemFactory factory) {
    return run(
        phase,
        true,
        factory,
        sut -> LatencyMeasurement.run(sut, infra.bootstrapServers(), payload, params));
  }

  private <T> Outcome<T> run(
      String phase, boolean measured, SystemFactory factory, Measurement<T> measurement) {
    String prefix = "bench-" + runId + "-" + phase + ".";
    if (measured) {
      try {
        awaitQuietCompilers(phase);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome.Failed<>("interrupted");
      }
    }
    long started = System.nanoTime();
    log.info("phase {} starting (topics {}*)", phase, prefix);
    SystemUnderTest sut = null;
    try {
      sut = factory.create(prefix, infra.stateDir(phase));
      return new Outcome.Measured<>(measurement.run(sut));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Failed<>("interrupted");
    } catch (RuntimeException e) {
      log.error("phase {} failed", phase, e);
      return new Outcome.Failed<>(e.toString());
    } finally {
      if (sut != null) {
        closeQuietly(phase, sut);
        log.info(
            "phase {} wrote per intake record: {}",
            phase,
            perIntakeRecord(infra.topicSizes(prefix), prefix, sut.intakeTopic()));
      }
      infra.deleteTopics(prefix);
      log.info(
          "phase {} done in {} s",
          phase,
          String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    }
  }

  /**
   * Waits until the JIT compilers of this JVM and of the servers are quiet ({@link
   * QuietCompilers}), and logs how long that took.
   */
  private void awaitQuietCompilers(String phase) throws InterruptedException {
    CpuMeter meter = infra.cpuMeter();
    QuietCompilers.Wait wait =
        QuietCompilers.await(
            () ->
                meter
                    .now()
                    .map(c -> c.benchNative().plus(c.serversNative()))
                    .filter(NativeThreadCpu::known)
                    .map(n -> n.get(NativeThreadCpu.COMPILER)),
            d -> Thread.sleep(d.toMillis()),
            QuietCompilers.WINDOW,
            QuietCompilers.LIMIT);
    String share =
        Double.isNaN(wait.lastShare())
            ? "unknown"
            : String.format(Locale.ROOT, "%.0f %% of a core", wait.lastShare() * 100);
    log.atLevel(wait.quiet() ? Level.INFO : Level.WARN)
        .log(
            "phase {}: JIT compilers {} after {} s (last {} s: {}){}",
            phase,
            wait.quiet() ? "quiet" : "not quiet",
            wait.waited().toSeconds(),
            QuietCompilers.WINDOW.toSeconds(),
            share,
            wait.quiet() ? "" : "; measuring anyway");
  }

  /**
   * Each topic's offsets (records and transaction markers) per record written to intake, largest
   * first, without the prefix: how much Kafka work a job cost the system, topic by topic.
   */
  static String perIntakeRecord(Map<String, Long> sizes, String prefix, String intakeTopic) {
    Long intake = sizes.get(intakeTopic);
    if (intake == null || intake == 0) {
      return "unknown";
    }
    return sizes.entrySet().stream()
        .filter(e -> !e.getKey().equals(intakeTopic) && e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s %.2f",
                    e.getKey().substring(prefix.length()),
                    (double) e.getValue() / intake))
        .collect(Collectors.joining(", "));
  }

  /** A system that fails to stop must not turn a finished measurement into a failure. */
  private static void closeQuietly(String phase, SystemUnderTest sut) {
    try {
      sut.close();
    } catch (RuntimeException e) {
      log.warn("phase {}: closing {} failed: {}", phase, sut.name(), e.toString());
    }
  }
}
