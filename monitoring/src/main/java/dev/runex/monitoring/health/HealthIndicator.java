package dev.runex.monitoring.health;

/**
 * What a long-running runex process reports to its supervisor (Kubernetes probes {@code
 * /health/live} and {@code /health/ready}).
 *
 * <p>Liveness: the process can still make progress by itself; down means only a restart helps (a
 * dead stream thread or poll loop, a client that stopped). Readiness: the process is doing its
 * share of the work now (it has its assignment and its state is restored); down while it starts,
 * restores or rebalances, and while it stops.
 */
public interface HealthIndicator {

  HealthReport liveness();

  HealthReport readiness();

  /** Before the process has built what it reports on: alive, not ready. */
  HealthIndicator STARTING =
      new HealthIndicator() {
        @Override
        public HealthReport liveness() {
          return HealthReport.of(new HealthReport.Check("process", true, "starting"));
        }

        @Override
        public HealthReport readiness() {
          return HealthReport.of(new HealthReport.Check("process", false, "starting"));
        }
      };
}
