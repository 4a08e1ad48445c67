package dev.runex.bench.measure;

import dev.runex.bench.BenchParams;
import dev.runex.bench.load.LoadGenerator;
import dev.runex.bench.subject.SystemUnderTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency at a fixed offered load: the system is started and proven live with probe jobs (one per
 * second until a result comes back), then jobs are sent at {@code rate}/s for warm-up + measured
 * time without a break; only the measured window's jobs are recorded. Latency runs from each job's
 * scheduled send time, so a generator that falls behind cannot hide queueing (coordinated
 * omission). The caller closes the system.
 */
public final class LatencyMeasurement {
  private static final Logger log = LoggerFactory.getLogger(LatencyMeasurement.class);
  private static final String TAG = "l";
  private static final String PROBE_TAG = "p";

  private LatencyMeasurement() {}

  public static LatencyResult run(
      SystemUnderTest sut, String bootstrapServers, byte[] payload, BenchParams params)
      throws InterruptedException {
    sut.provision();
    int warm = params.warmupJobs();
    int total = warm + params.measuredJobs();
    AtomicLongArray dueNanos = new AtomicLongArray(total);
    LatencySink sink = new LatencySink(TAG, PROBE_TAG, dueNanos, warm);
    try (LoadGenerator generator =
        new LoadGenerator(bootstrapServers, sut.intakeTopic(), payload)) {
      ResultReader reader =
          new ResultReader(bootstrapServers, sut.resultsTopic(), sut::succeeded, sink).start();
      Duration late;
      int failedSends;
      try {
        sut.start();
        if (!awaitLive(sut, generator, sink, params.phaseTimeout())) {
          throw new IllegalStateException(
              sut.name()
                  + " returned no probe result within "
                  + params.phaseTimeout().toSeconds()
                  + " s");
        }
        log.info(
            "{}: live; sending {} jobs/s for {} s warm-up + {} s measured",
            sut.name(),
            params.rate(),
            params.warmup().toSeconds(),
            params.measure().toSeconds());
        late = generator.paced(TAG, total, params.rate(), dueNanos);
        failedSends = (int) generator.failedSends().stream().filter(seq -> seq >= warm).count();
        sink.expect(params.measuredJobs() - failedSends); // a refused send never has a result
        if (!sink.await(params.phaseTimeout())) {
          log.warn(
              "{}: only {} of {} measured results within {} s",
              sut.name(),
              sink.received(),
              params.measuredJobs(),
              params.phaseTimeout().toSeconds());
        }
      } finally {
        reader.close(); // joins the reader thread: the sink's fields are final from here on
      }
      return sink.result(params.measuredJobs(), failedSends, late);
    }
  }

  private static boolean awaitLive(
      SystemUnderTest sut, LoadGenerator generator, LatencySink sink, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int probe = 0; System.nanoTime() < deadline; probe++) {
      generator.sendNow(PROBE_TAG, probe);
      if (sink.awaitLive(Duration.ofSeconds(1))) {
        return true;
      }
      log.debug("{}: no probe result yet ({} sent)", sut.name(), probe + 1);
    }
    return false;
  }
}
