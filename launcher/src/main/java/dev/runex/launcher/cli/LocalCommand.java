package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.ConnectWorker;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.launcher.local.RunexHome;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.launcher.monitoring.BacklogMetrics;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.workers.JobWorker;
import dev.runex.workers.execution.HandlerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runex local}: the whole stack on this machine — a real Kafka broker (127.0.0.1:9092) and
 * Apicurio Registry (127.0.0.1:8081) as child processes, the topology, one worker and the operator
 * console (gateway, 127.0.0.1:9480, with an operator key made for this run) in this JVM — then a
 * demo, then it stays up until Ctrl-C and removes its data on exit.
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

  @Override
  public Integer call() throws Exception {
    Path stateDir = RunexHome.resolve().resolve(".runex");
    Files.createDirectories(stateDir);
    FileChannel lockChannel =
        FileChannel.open(
            stateDir.resolve("local.lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    FileLock lock = lockChannel.tryLock();
    if (lock == null) {
      String pid = Files.readString(stateDir.resolve("local.pid")).trim();
      System.err.println(
          "runex local is already running (pid "
              + pid
              + ") with Kafka on 127.0.0.1:"
              + KAFKA_PORT
              + " and the registry on 127.0.0.1:"
              + REGISTRY_PORT
              + ".\nUse it (./runex submit ..., ./runex results) "
              + "or stop it with Ctrl-C in its terminal (or: kill "
              + pid
              + ").");
      return 2;
    }
    Files.writeString(stateDir.resolve("local.pid"), Long.toString(ProcessHandle.current().pid()));
    int[] ports =
        connect
            ? new int[] {KAFKA_PORT, CONTROLLER_PORT, REGISTRY_PORT, CONNECT_PORT}
            : new int[] {KAFKA_PORT, CONTROLLER_PORT, REGISTRY_PORT};
    for (int port : ports) {
      if (!free(port)) {
        System.err.println(
            "port 127.0.0.1:"
                + port
                + " is in use by another program; runex local needs ports "
                + KAFKA_PORT
                + " (Kafka), "
                + CONTROLLER_PORT
                + " (KRaft controller) and "
                + REGISTRY_PORT
                + " (registry)"
                + (connect ? " and " + CONNECT_PORT + " (Kafka Connect)" : "")
                + ".");
        return 2;
      }
    }
    Path dataDir = Files.createTempDirectory(stateDir, "local-");
    Lifetime lifetime = new Lifetime();
    lifetime.add(
        () -> {
          deleteTree(dataDir);
          lock.release();
          lockChannel.close();
        });
    System.out.println(
        "starting Kafka (127.0.0.1:"
            + KAFKA_PORT
            + ") and Apicurio Registry (127.0.0.1:"
            + REGISTRY_PORT
            + ")...");
    LocalInfra infra =
        lifetime.add(
            LocalInfra.start(
                dataDir,
                KAFKA_PORT,
                CONTROLLER_PORT,
                REGISTRY_PORT,
                LocalInfra.SchemaStore.MEMORY));
    RunexConfig cfg =
        config.load(
            Map.of(
                Settings.BOOTSTRAP_SERVERS.key(), infra.bootstrapServers(),
                Settings.SCHEMA_REGISTRY_URL.key(), infra.registryUrl(),
                Settings.TOPOLOGY_STATE_DIR.key(), dataDir.resolve("streams").toString()));
    RunexTopics topics = cfg.topics();
    TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
    MetricsEndpoint metrics = lifetime.add(MetricsEndpoint.start(cfg, "local"));
    LiveFeed feed = lifetime.add(LiveFeed.start(cfg, topics));
    RunexTopology topology = lifetime.add(new RunexTopology(cfg, topics, metrics.registry()));
    topology.start();
    lifetime.add(
        BacklogMetrics.start(
            cfg, topics, cfg.pools(), metrics.registry(), topology.delayedBacklog()));
    JobWorker worker =
        lifetime.add(
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

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static String utf8(byte[] b) {
    return b == null ? "" : new String(b, StandardCharsets.UTF_8);
  }
}
