package dev.runex.bench.measure;

import dev.runex.bench.load.LoadGenerator;
import dev.runex.bench.subject.SystemUnderTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drain throughput: {@code n} jobs are written to intake while nothing consumes it, then the system
 * is started and every result is awaited (up to a timeout). Measures how fast the pipeline empties
 * a backlog — its capacity, not its latency. The caller closes the system.
 */
public final class DrainMeasurement {
  private static final Logger log = LoggerFactory.getLogger(DrainMeasurement.class);
  private static final String TAG = "d";

  private DrainMeasurement() {}

  public static DrainResult run(
      SystemUnderTest sut,
      String bootstrapServers,
      byte[] payload,
      int n,
      Duration timeout,
      CpuMeter cpu)
      throws InterruptedException {
    return run(sut, bootstrapServers, payload, n, List.of(), 0, timeout, cpu);
  }

  /**
   * As {@link #run(SystemUnderTest, String, byte[], int, Duration, CpuMeter)}, with {@code
   * garbagePerJob} bad records from {@code garbage} written after each job: the result counts and
   * rates are the good jobs' only (a bad record's REJECTED result has no job id of this tag).
   */
  public static DrainResult run(
      SystemUnderTest sut,
      String bootstrapServers,
      byte[] payload,
      int n,
      List<byte[]> garbage,
      int garbagePerJob,
      Duration timeout,
      CpuMeter cpu)
      throws InterruptedException {
    sut.provision();
    int failedSends;
    try (LoadGenerator generator =
        new LoadGenerator(bootstrapServers, sut.intakeTopic(), payload)) {
      if (garbagePerJob > 0) {
        generator.preloadWithGarbage(TAG, n, garbage, garbagePerJob);
      } else {
        generator.preload(TAG, n);
      }
      failedSends = generator.failedSends().size();
    }
    log.info("{}: {} jobs preloaded, starting the system", sut.name(), n - failedSends);
    DrainSink sink =
        new DrainSink(
            TAG, n - failedSends, cpu); // a refused send never has a result: do not wait for it
    ResultReader reader =
        new ResultReader(bootstrapServers, sut.resultsTopic(), sut::succeeded, sink).start();
    long started = System.nanoTime();
    boolean allResults;
    try {
      sut.start();
      allResults = sink.await(timeout);
      if (!allResults) {
        log.warn(
            "{}: only {} of {} results within {} s",
            sut.name(),
            sink.distinct(),
            n,
            timeout.toSeconds());
      }
    } finally {
      reader.close(); // joins the reader thread: the sink's fields are final from here on
    }
    DrainResult result = sink.result(started, failedSends);
    if (!allResults) {
      return result;
    }
    if (sut.sideReaders().isEmpty()) {
      return result.withAllDone(Optional.of(result.startToLast())); // nothing off the result path
    }
    // With every result out, the system may still be busy off the result path (runex's job-status
    // application folding the last events): time that too, within what is left of the timeout.
    Duration left = timeout.minusNanos(System.nanoTime() - started);
    Optional<Duration> allDone =
        SideReaders.awaitCaughtUp(
            bootstrapServers, sut.sideReaders(), started, left.isNegative() ? Duration.ZERO : left);
    if (allDone.isEmpty()) {
      log.warn(
          "{}: its consumers off the result path had not caught up {} s after the start",
          sut.name(),
          timeout.toSeconds());
    }
    return result.withAllDone(allDone);
  }
}
