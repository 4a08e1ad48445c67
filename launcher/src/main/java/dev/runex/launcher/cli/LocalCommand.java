package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.ConnectWorker;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.launcher.local.LocalStacks;
import dev.runex.launcher.local.RunexHome;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.launcher.monitoring.BacklogMetrics;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.topology.state.RocksDbLibrary;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runex local}: the whole stack on this machine — a real Kafka broker (127.0.0.1:9092) and
 * Apicurio Registry (127.0.0.1:8081) as child processes, the topology, one worker and the operator
 * console (gateway, 127.0.0.1:9480, with an operator key made for this run) in this JVM — then a
 * demo, then it stays up until Ctrl-C and removes its data on exit.
 *
 * <p>Stopping (Ctrl-C, SIGTERM) says what it stops and takes a few seconds: the stack's data is
 * deleted on exit, so nothing is drained for its own sake. The worker and the topology stop
 * together (running jobs are abandoned: their processes are ended and their working folders
 * removed), then the registry and the broker (SIGKILL shortly after SIGTERM: no clean shutdown for
 * data about to go), then the data folder, the pid file and the lock go. The servers run in
 * sessions of their own, so a terminal's Ctrl-C reaches only this process, which stops them last. A
 * stack that was killed before it could clean up is reclaimed by the next start ({@link
 * LocalStacks}).
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Run broker, registry, topology and a worker locally, show a demo, stay up until Ctrl-C.")
public final class LocalCommand implements Callable<Integer> {
  static final int KAFKA_PORT = 9092;
  static final int CONTROLLER_PORT = 9093;
  static final int REGISTRY_PORT = 8081;
  static final int CONNECT_PORT = 8083;

  /**
   * How long the worker and the topology get to stop before the broker is stopped under them (a
   * safety net: they stop in a few seconds). They stop cleanly because the topology's state folder
   * can only be deleted once its stores are closed.
   */
  static final Duration CLIENTS_STOP_LIMIT = Duration.ofSeconds(15);

  @Mixin ConfigOptions config;

  @Option(names = "--no-demo", description = "Start the stack without submitting the demo jobs.")
  boolean noDemo;

  @Option(
      names = "--connect",
      description =
          "Also start a Kafka Connect worker (REST API on 127.0.0.1:"
              + CONNECT_PORT
              + ") with runex's webhook sink, its Avro converter and Debezium's JDBC sink;"
              + " add connectors from connectors/config/ (see docs/connectors.md).")
  boolean connect;

  @Option(
      names = "--kafka-port",
      description = "Kafka's port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: a free one).")
  int kafkaPort = KAFKA_PORT;

  @Option(
      names = "--controller-port",
      description = "The KRaft controller's port (default: ${DEFAULT-VALUE}; 0: a free one).")
  int controllerPort = CONTROLLER_PORT;

  @Option(
      names = "--registry-port",
      description = "The schema registry's port (default: ${DEFAULT-VALUE}; 0: a free one).")
  int registryPort = REGISTRY_PORT;

  @Override
  public Integer call() throws Exception {
    Path stateDir = RunexHome.resolve().resolve(".runex");
    LocalStacks.Acquisition acquisition = LocalStacks.acquire(stateDir);
    if (acquisition instanceof LocalStacks.Acquisition.Busy busy) {
      printBusy(busy.holderPid());
      return 2;
    }
    LocalStacks stacks = ((LocalStacks.Acquisition.Acquired) acquisition).stacks();
    Lifetime lifetime = new Lifetime(line -> System.out.println("runex local: " + line));
    lifetime.cleanup("this stack's data folder, pid file and lock in " + stateDir, stacks);
    reclaimStale(stacks);
    int[] ports =
        connect
            ? new int[] {kafkaPort, controllerPort, registryPort, CONNECT_PORT}
            : new int[] {kafkaPort, controllerPort, registryPort};
    for (int port : ports) {
      if (port != 0 && !free(port)) {
        System.err.println(
            "port 127.0.0.1:"
                + port
                + " is in use by another program; runex local needs ports "
                + kafkaPort
                + " (Kafka), "
                + controllerPort
                + " (KRaft controller) and "
                + registryPort
                + " (registry)"
                + (connect ? ", " + CONNECT_PORT + " (Kafka Connect)" : "")
                + ": free them or pick others (--kafka-port, --controller-port, --registry-port).");
        return 2;
      }
    }
    Path dataDir = stacks.newDataDir();
    // in this stack's folder, which a later start deletes if this process is killed, not in /tmp
    RocksDbLibrary.loadFrom(dataDir.resolve("native"));
    System.out.println(
        "starting Kafka and Apicurio Registry (data in " + stacks.stateDir() + ")...");
    LocalInfra infra =
        LocalInfra.start(
            dataDir, kafkaPort, controllerPort, registryPort, LocalInfra.SchemaStore.MEMORY);
    lifetime.add(
        "Apicurio Registry (pid "
            + infra.registry().pid()
            + ") and Kafka (pid "
            + infra.broker().pid()
            + ")",
        infra);
    RunexConfig cfg =
        config.load(
            Map.of(
                Settings.BOOTSTRAP_SERVERS.key(), infra.bootstrapServers(),
                Settings.SCHEMA_REGISTRY_URL.key(), infra.registryUrl(),
                Settings.TOPOLOGY_STATE_DIR.key(), dataDir.resolve("streams").toString(),
                // results of jobs finished while stopping would go to a broker about to be deleted
                Settings.WORKER_DRAIN_TIMEOUT.key(), "0s"));
    RunexTopics topics = cfg.topics();
    TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
    MetricsEndpoint metrics =
        lifetime.add("the metrics endpoint", MetricsEndpoint.start(cfg, "local"));
    Lifetime.Stage clients = lifetime.stage(CLIENTS_STOP_LIMIT);
    LiveFeed feed = clients.add("the result feed", LiveFeed.start(cfg, topics));
    RunexTopology topology =
        clients.add("the topology", new RunexTopology(cfg, topics, metrics.registry()));
    topology.start();
    lifetime.add(
        "the backlog meters",
        BacklogMetrics.start(
            cfg, topics, cfg.pools(), metrics.registry(), topology.delayedBacklog()));
    JobWorker worker =
        clients.add(
            "the worker (running jobs are abandoned)",
            new JobWorker(cfg, topics, HandlerRegistry.withBuiltins(), metrics.registry()));
    worker.start();
    lifetime.exitWhen(
        () -> !worker.isRunning() || TopologyCommand.stopped(topology), "the local runtime");
    LocalConsole console = LocalConsole.start(cfg, topology, lifetime);
    System.out.printf(
        "runex is up: Kafka %s, registry %s, metrics http://127.0.0.1:%d/metrics%s%n",
        infra.bootstrapServers(),
        infra.registryUrl(),
        metrics.port(),
        topology.statusUrl().map(u -> ", job status " + u + "/jobs").orElse(""));
    console.print();
    if (connect) {
      System.out.println("starting Kafka Connect (127.0.0.1:" + CONNECT_PORT + ")...");
      ConnectWorker connectWorker =
          lifetime.add(
              "Kafka Connect",
              ConnectWorker.start(
                  RunexHome.resolve(),
                  dataDir.resolve("connect"),
                  infra.bootstrapServers(),
                  CONNECT_PORT,
                  Map.of()));
      System.out.printf(
          "Kafka Connect is up: REST %s (log %s)%n",
          connectWorker.restUrl(), connectWorker.logFile());
    }
    if (!noDemo) {
      new LocalDemo(cfg, topics, feed).run();
    }
    printHelp();
    console.print();
    if (connect) {
      printConnectHelp(cfg);
    }
    lifetime.awaitShutdown();
    return 0;
  }

  private void printBusy(String pid) {
    System.err.println(
        "runex local is already running (pid "
            + pid
            + ") in this folder"
            + ".\nUse it (./runex submit ..., ./runex results) "
            + "or stop it with Ctrl-C in its terminal (or: kill "
            + pid
            + ").");
  }

  /** Says what an earlier stack that did not stop cleanly left behind and that it is gone now. */
  private static void reclaimStale(LocalStacks stacks) throws IOException {
    List<LocalStacks.Reclaimed> reclaimed = stacks.reclaimStale();
    if (reclaimed.isEmpty()) {
      return;
    }
    String who = stacks.previousPid().map(pid -> " (pid " + pid + ")").orElse("");
    for (LocalStacks.Reclaimed r : reclaimed) {
      System.out.println(
          "runex local: an earlier runex local"
              + who
              + " did not stop cleanly; reclaimed its stack: "
              + (r.stoppedServers().isEmpty()
                  ? "no server of it was still running"
                  : "stopped " + String.join(" and ", r.stoppedServers()))
              + ", deleted "
              + r.folder());
    }
  }

  private static void printHelp() {
    System.out.println(
        """

        runex local stays up until Ctrl-C. In another terminal:
          ./runex submit '{"type":"echo","tenant":"demo","params":{"message":"hi"}}' --wait
          ./runex results --from-beginning        follow results
          ./runex status <job id>                  a job's state and transitions;  ./runex jobs --tenant demo
          ./runex schedule list                    recurring schedules (put, delete)
          ./runex dlq list                         dead letters;  ./runex dlq replay <job id>
          ./runex worker --pool default            add a worker replica
        New results and dead letters are printed here as they arrive.
        """);
  }

  private static void printConnectHelp(RunexConfig cfg) {
    System.out.printf(
        """
        Kafka Connect (http://127.0.0.1:%d) has runex's webhook sink and Debezium's JDBC sink.
        Add them from connectors/config/ (secrets come from this terminal's environment,
        RUNEX_WEBHOOK_SECRET and RUNEX_JDBC_PASSWORD; see docs/connectors.md):
          curl -H 'Content-Type: application/json' --data @connectors/config/runex-results-webhook.json \\
               http://127.0.0.1:%d/connectors
          curl http://127.0.0.1:%d/connectors/runex-results-webhook/status
        Results topic: %sresults
        """,
        CONNECT_PORT, CONNECT_PORT, CONNECT_PORT, cfg.topicPrefix());
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String utf8(byte[] b) {
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }
}
