package dev.runex.bench.torture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults one after the other at random moments (from the run's seed) while the load runs,
 * and records each with its start and end: the end is when the fault's cause is gone (process
 * restarted, thawed, registry back), from which recovery is measured.
 */
final class Injector {
  private static final Logger log = LoggerFactory.getLogger(Injector.class);
  private final Cluster cluster;
  private final FaultEndpoint endpoint;
  private final Random random;
  final List<FaultKind.Event> events = new ArrayList<>();

  Injector(Cluster cluster, FaultEndpoint endpoint, long seed) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.random = new Random(seed);
  }

  /**
   * Until {@code untilNanos}: waits a random 5..{@code maxGapSeconds} s, injects a fault of the
   * next kind of {@code kinds} ({@link FaultBag}: each once before any repeats) that still ends 5 s
   * before the deadline, and so on until none does; between faults it restarts runtime processes
   * that exited on their own.
   */
  void run(List<FaultKind> kinds, int maxGapSeconds, long untilNanos) throws InterruptedException {
    FaultBag bag = new FaultBag(kinds, random);
    while (true) {
      long gapMs = 5_000 + (long) random.nextInt(Math.max(1, maxGapSeconds - 5) * 1000);
      long wakeAt = System.nanoTime() + gapMs * 1_000_000;
      while (System.nanoTime() < wakeAt) {
        cluster.supervise();
        Thread.sleep(500); // waiting for the random moment of the next fault
      }
      // only kinds that still end before the load does, so a long one drawn late does not end the
      // run's faults early
      long now = System.nanoTime();
      Optional<FaultKind> kind =
          bag.next(k -> now + (k.seconds + 5) * 1_000_000_000L <= untilNanos);
      if (kind.isEmpty()) {
        return;
      }
      inject(kind.get());
    }
  }

  private void inject(FaultKind kind) throws InterruptedException {
    String target =
        kind.onWorker()
            ? Cluster.WORKERS.get(random.nextInt(Cluster.WORKERS.size()))
            : kind.name().startsWith("TOPOLOGY")
                ? Cluster.TOPOLOGIES.get(random.nextInt(Cluster.TOPOLOGIES.size()))
                : kind == FaultKind.BROKER_KILL ? "broker" : "registry";
    log.info("fault: {} of {}", kind.option, target);
    long start = System.nanoTime();
    switch (kind) {
      case WORKER_KILL, TOPOLOGY_KILL -> {
        cluster.kill(target);
        cluster.restart(target);
      }
      case TOPOLOGY_WIPE -> {
        cluster.kill(target);
        cluster.deleteState(target);
        cluster.restart(target);
      }
      case WORKER_FREEZE, TOPOLOGY_FREEZE -> {
        cluster.freeze(target);
        Thread.sleep(kind.seconds * 1000L); // the fault lasts this long
        cluster.thaw(target);
      }
      case WORKER_HANG -> {
        endpoint.hang(target, true);
        Thread.sleep(kind.seconds * 1000L); // the fault lasts this long
        endpoint.hang(target, false);
      }
      case BROKER_KILL -> cluster.killAndRestartBroker();
      case REGISTRY_STOP -> {
        cluster.stopRegistry();
        Thread.sleep(kind.seconds * 1000L); // the fault lasts this long
        cluster.startRegistryAgain();
      }
    }
    long end = System.nanoTime();
    events.add(new FaultKind.Event(kind, target, start, end));
    log.info("fault over: {} of {} after {} ms", kind.option, target, (end - start) / 1_000_000);
  }
}
