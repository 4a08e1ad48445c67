package dev.runex.topology.monitoring;

import dev.runex.monitoring.health.HealthIndicator;
import dev.runex.monitoring.health.HealthReport;
import dev.runex.monitoring.health.HealthReport.Check;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Liveness and readiness of the topology process, one check per Kafka Streams client (the jobs
 * application and, when enabled, the status application).
 *
 * <p>Live: the client is starting, running or rebalancing with at least one stream thread alive. A
 * client in ERROR, or one that shut itself down (the uncaught-exception handler gave up replacing
 * failing threads), or one whose every stream thread died, is not: only a restart helps.
 *
 * <p>Ready: the client is RUNNING — it has its assignment — and none of its stores is restoring
 * from a changelog. Down while it starts, rebalances or restores, so a rolling restart of the
 * StatefulSet moves on only once each instance has its state back.
 *
 * <p>While the process stops ({@link #stopping()}), it stays live and is no longer ready.
 */
public final class TopologyHealth implements HealthIndicator {

  /** One client to watch: its name in reports, the client, and its restore listener. */
  public record Watched(String name, KafkaStreams streams, RestoringStores restoring) {}

  /**
   * What one client looks like at one moment: the input of the verdicts.
   *
   * @param liveThreads stream threads that are not dead (or shutting down)
   * @param restoring store partitions restoring from their changelogs
   * @param activeTasks active tasks over all live threads
   */
  public record ClientView(
      String name, State state, int liveThreads, int restoring, int activeTasks) {}

  private static final Set<String> GONE_THREAD_STATES = Set.of("DEAD", "PENDING_SHUTDOWN");

  private final List<Watched> clients;
  private volatile boolean stopping;

  public TopologyHealth(List<Watched> clients) {
    this.clients = List.copyOf(clients);
  }

  /** The process is shutting down: from now on it is not ready (and still live). */
  public void stopping() {
    stopping = true;
  }

  @Override
  public HealthReport liveness() {
    return new HealthReport(views().stream().map(v -> liveness(v, stopping)).toList());
  }

  @Override
  public HealthReport readiness() {
    return new HealthReport(views().stream().map(v -> readiness(v, stopping)).toList());
  }

  private List<ClientView> views() {
    return clients.stream().map(TopologyHealth::view).toList();
  }

  static ClientView view(Watched w) {
    State state = w.streams().state();
    int live = 0;
    int active = 0;
    for (ThreadMetadata t : w.streams().metadataForLocalThreads()) {
      if (!GONE_THREAD_STATES.contains(t.threadState())) {
        live++;
        active += t.activeTasks().size();
      }
    }
    return new ClientView(w.name(), state, live, w.restoring().count(), active);
  }

  static Check liveness(ClientView v, boolean stopping) {
    String name = "streams:" + v.name();
    return switch (v.state()) {
      case CREATED -> new Check(name, true, "not started yet");
      case REBALANCING, RUNNING ->
          v.liveThreads() > 0
              ? new Check(name, true, v.state() + " with " + v.liveThreads() + " stream thread(s)")
              : new Check(name, false, v.state() + " but no stream thread is alive");
      case PENDING_SHUTDOWN, NOT_RUNNING ->
          stopping
              ? new Check(name, true, "stopping (" + v.state() + ")")
              : new Check(name, false, "stopped by itself (" + v.state() + ")");
      case PENDING_ERROR, ERROR -> new Check(name, false, "failed (" + v.state() + ")");
    };
  }

  static Check readiness(ClientView v, boolean stopping) {
    String name = "streams:" + v.name();
    if (stopping) {
      return new Check(name, false, "stopping (" + v.state() + ")");
    }
    if (v.state() != State.RUNNING) {
      String why =
          switch (v.state()) {
            case CREATED -> "not started yet";
            case REBALANCING -> "REBALANCING: waiting for its assignment";
            default -> "not running (" + v.state() + ")";
          };
      return new Check(name, false, why);
    }
    if (v.restoring() > 0) {
      return new Check(
          name, false, "RUNNING but restoring " + v.restoring() + " store partition(s)");
    }
    return new Check(name, true, "RUNNING with " + v.activeTasks() + " active task(s)");
  }
}
