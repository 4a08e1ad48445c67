package dev.runex.bench.torture;

/**
 * The faults a torture run injects ({@code --faults} takes their option names). Durations are
 * chosen to outlast the timeouts that make each fault bite: a worker frozen past its session
 * timeout (6 s), a topology frozen past its Kafka Streams session timeout (10 s, set by {@link
 * Cluster}), a worker's calls hanging past the job types' 5 s timeout.
 */
enum FaultKind {
  WORKER_KILL("worker-kill", 0),
  WORKER_FREEZE("worker-freeze", 15),
  WORKER_HANG("worker-hang", 20),
  TOPOLOGY_KILL("topology-kill", 0),
  TOPOLOGY_WIPE("topology-wipe", 0),
  TOPOLOGY_FREEZE("topology-freeze", 15),
  BROKER_KILL("broker-kill", 0),
  REGISTRY_STOP("registry-stop", 30);

  final String option;
  final int seconds;

  FaultKind(String option, int seconds) {
    this.option = option;
    this.seconds = seconds;
  }

  static FaultKind of(String option) {
    for (FaultKind k : values()) {
      if (k.option.equals(option.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown fault '" + option + "'");
  }

  /** Faults after which a worker may run a job attempt again (its work was not committed). */
  boolean mayRerun() {
    return this == WORKER_KILL || this == WORKER_FREEZE || this == BROKER_KILL;
  }

  boolean onWorker() {
    return this == WORKER_KILL || this == WORKER_FREEZE || this == WORKER_HANG;
  }

  /** One injected fault: its target and when it started and ended. */
  record Event(FaultKind kind, String target, long startNanos, long endNanos) {}
}
