package dev.runex.bench.torture;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.KafkaBroker;
import dev.runex.launcher.local.RegistryStorage;
import dev.runex.launcher.local.RuntimeProcess;
import dev.runex.launcher.local.SchemaRegistryServer;
import dev.runex.launcher.local.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one torture or soak run starts, each as its own process: a Kafka broker and an
 * Apicurio registry (schemas journaled on the broker, so a registry restart keeps them), the
 * topology instances (own state dirs and status ports) and worker processes of the {@code default}
 * pool its {@link Layout} names, all in one temporary folder that {@link #close} removes. Faults
 * are applied here, by pid: the broker is killed and restarted on the same ports and data folder,
 * the registry stopped and started again, runtime processes killed, frozen and thawed. A runtime
 * process that exits on its own is restarted as a supervisor would and counted ({@link
 * #unplannedExits}).
 */
final class Cluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);
  static final List<String> TOPOLOGIES = List.of("topo-1", "topo-2");
  static final List<String> WORKERS = List.of("w1", "w2", "w3");

  /**
   * Which runtime processes to start: topology instances and workers by name, the workers' slots,
   * settings every runtime process gets ({@code key=value}), and whether each serves its Prometheus
   * endpoint on a free port ({@link #metricsPort}).
   */
  record Layout(
      List<String> topologies,
      List<String> workers,
      int workerSlots,
      List<String> settings,
      boolean metrics) {}

  /** The fault runner's: two topology instances, three workers of 4 slots, no metrics. */
  static final Layout TORTURE = new Layout(TOPOLOGIES, WORKERS, 4, List.of(), false);

  private final Layout layout;

  final Path dir;
  private final FaultEndpoint endpoint;
  private final String prefix;
  private KafkaBroker broker;
  private SchemaRegistryServer registry;
  private final int brokerPort;
  private final int controllerPort;
  private final int registryPort;
  final RunexConfig cfg;
  private final Map<String, RuntimeProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> statusPorts = new HashMap<>();
  private final Map<String, Integer> metricsPorts = new HashMap<>();
  private final List<String> unplannedExits = new ArrayList<>();
  private final List<String> leftFiles = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Thread hook = new Thread(this::close, "torture-cleanup");

  Cluster(FaultEndpoint endpoint, String prefix, int partitions) {
    this(endpoint, prefix, partitions, TORTURE);
  }

  Cluster(FaultEndpoint endpoint, String prefix, int partitions, Layout layout) {
    this.endpoint = endpoint;
    this.layout = layout;
    this.prefix = prefix;
    try {
      dir = Files.createTempDirectory("runex-torture-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A run stopped by TERM/INT (bench/run.sh forwards them) still stops what it started.
    Runtime.getRuntime().addShutdownHook(hook);
    broker = KafkaBroker.start(dir.resolve("kafka"), 0, 0);
    brokerPort = broker.port();
    controllerPort = broker.controllerPort();
    registry = startRegistry(0);
    registryPort = registry.port();
    Map<String, String> values = new HashMap<>();
    values.put(Settings.BOOTSTRAP_SERVERS.key(), broker.bootstrapServers());
    values.put(Settings.SCHEMA_REGISTRY_URL.key(), registry.ccompatUrl());
    values.put(Settings.TOPIC_PREFIX.key(), prefix);
    values.put(Settings.TOPIC_PARTITIONS.key(), Integer.toString(partitions));
    cfg = ConfigLoader.load(writeConfig("topology"), Map.of(), values);
    TopicProvisioner.ensureTopics(cfg, cfg.topics(), cfg.pools());
    layout.topologies().forEach(this::startProcess);
    layout.workers().forEach(this::startProcess);
  }

  private SchemaRegistryServer startRegistry(int port) {
    return SchemaRegistryServer.start(
        dir.resolve("registry"), port, RegistryStorage.kafkaSql(broker.bootstrapServers()));
  }

  /** The job types, calling the endpoint under {@code who}'s own path. */
  private Path writeConfig(String who) {
    String base = endpoint.base(who);
    String yaml =
        "runex:\n  jobTypes:\n"
            + httpType("quick", "", base + "/ok")
            + httpType("slow", "", base + "/slow")
            + httpType(
                "flaky",
                "      params: {k: {type: int, required: true}}\n",
                base + "/flaky/{params.k}")
            + httpType("broken", "", base + "/broken")
            + "    hello:\n"
            + "      executor: process\n"
            + "      pool: default\n"
            + "      tenants: [demo]\n"
            + "      params: {name: {type: string, required: true}}\n"
            + "      timeout: 10s\n"
            + "      process: {command: [\"/bin/echo\", \"hello,\", \"{params.name}\"]}\n"
            + "      limits: {memory: 64MB, cpu: 5s, pids: 8, fileSize: 1MB, output: 4KB}\n";
    try {
      Path file = dir.resolve("config").resolve(who + ".yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An http job type: 5 s per attempt, up to 6 attempts with short back-off; the breaker opens only
   * when every call fails, so the "flaky" jobs' planned 503s do not trip it.
   */
  private static String httpType(String name, String params, String url) {
    return "    "
        + name
        + ":\n"
        + "      executor: http\n"
        + "      pool: default\n"
        + "      tenants: [demo]\n"
        + "      timeout: 5s\n"
        + params
        + "      http:\n"
        + "        url: \""
        + url
        + "\"\n"
        + "        method: GET\n"
        + "        timeout: 4s\n"
        + "        breaker: {failureRate: 100, window: 20, minCalls: 20, openFor: 2s}\n"
        + "      retry: {maxAttempts: 6, initialInterval: 200ms, multiplier: 1.5, randomization: 0.2,"
        + " maxInterval: 2s}\n";
  }

  private void startProcess(String name) {
    Path logs = dir.resolve("logs");
    RuntimeProcess p;
    List<String> settings = new ArrayList<>(layout.settings());
    settings.add(
        Settings.METRICS_PORT.key()
            + "="
            + (layout.metrics() ? metricsPorts.computeIfAbsent(name, n -> freePort()) : -1));
    if (layout.workers().contains(name)) {
      settings.add(Settings.WORKER_WORK_DIR.key() + "=" + dir.resolve("work").resolve(name));
      settings.add(Settings.WORKER_SESSION_TIMEOUT.key() + "=6s");
      settings.add(Settings.TOPOLOGY_STATUS_PORT.key() + "=-1");
      p =
          RuntimeProcess.worker(
              name, "default", layout.workerSlots(), cfg, writeConfig(name), settings, logs);
    } else {
      int port = statusPorts.computeIfAbsent(name, n -> freePort());
      settings.add(Settings.TOPIC_PARTITIONS.key() + "=" + cfg.string(Settings.TOPIC_PARTITIONS));
      settings.add(Settings.TOPOLOGY_APPLICATION_ID.key() + "=" + prefix + "topology");
      settings.add(Settings.TOPOLOGY_STATE_DIR.key() + "=" + stateDir(name));
      settings.add(Settings.TOPOLOGY_STATUS_PORT.key() + "=" + port);
      // short enough that a freeze of a few seconds more outlasts it, as a worker's 6 s does
      settings.add("runex.kafka.streams.session.timeout.ms=10000");
      p =
          RuntimeProcess.start(
              name,
              cfg,
              writeConfig("topology"),
              List.of("topology"),
              settings,
              "384m",
              logs.resolve(name + ".log"));
    }
    processes.put(name, p);
    log.info("started {} (pid {})", name, p.pid());
  }

  /** The pid of every process started, by name: broker, registry, then the runtime processes. */
  Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("broker", broker.pid());
    pids.put("registry", registry.pid());
    processes.forEach((name, p) -> pids.put(name, p.pid()));
    return pids;
  }

  /** The Prometheus port of a runtime process, or -1 when the layout serves none. */
  int metricsPort(String name) {
    return metricsPorts.getOrDefault(name, -1);
  }

  Path stateDir(String topology) {
    return dir.resolve("state").resolve(topology);
  }

  String applicationId() {
    return prefix + "topology";
  }

  /**
   * Restarts any runtime process that exited without a fault asking for it, and notes it; nothing
   * once {@link #close} began (a TERM's shutdown hook stops the processes while the run's loop may
   * still be supervising them).
   */
  synchronized void supervise() {
    if (closed.get()) {
      return;
    }
    for (var e : new ArrayList<>(processes.entrySet())) {
      if (!e.getValue().isAlive()) {
        String note = e.getKey() + " exited by itself (exit " + e.getValue().exitCode() + ")";
        log.warn("{}; restarting it", note);
        unplannedExits.add(note);
        startProcess(e.getKey());
      }
    }
  }

  List<String> unplannedExits() {
    return unplannedExits;
  }

  void kill(String name) {
    processes.get(name).kill();
  }

  void restart(String name) {
    startProcess(name);
  }

  void freeze(String name) {
    processes.get(name).freeze();
  }

  void thaw(String name) {
    processes.get(name).thaw();
  }

  void deleteState(String topology) {
    deleteTree(stateDir(topology));
  }

  /** SIGKILL of the broker, then a new one on the same ports and data folder. */
  void killAndRestartBroker() {
    ProcessHandle.of(broker.pid()).ifPresent(ProcessHandle::destroyForcibly);
    awaitGone(broker.pid());
    broker.close(); // the dead broker's helpers (its hanging-transaction guard) go with it
    broker = KafkaBroker.start(dir.resolve("kafka"), brokerPort, controllerPort);
  }

  void stopRegistry() {
    registry.close();
  }

  void startRegistryAgain() {
    registry = startRegistry(registryPort);
  }

  private static void awaitGone(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              try {
                h.onExit().get(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException("pid " + pid + " did not exit", e);
              }
            });
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every process (runtime first, then registry and broker) and removes the folder. */
  @Override
  public void close() {
    synchronized (this) { // a supervise() under way finishes first
      if (!closed.compareAndSet(false, true)) {
        return;
      }
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running this
      }
    }
    processes.values().forEach(p -> p.terminate(Duration.ofSeconds(40)));
    noteLeftFiles();
    try {
      if (registry != null) {
        registry.close();
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      deleteTree(dir);
    }
  }

  /**
   * What the stopped workers left in their process jobs' work folders (each attempt's folder is
   * meant to be deleted after it, a killed worker's by its successor).
   */
  private void noteLeftFiles() {
    Path work = dir.resolve("work");
    if (!Files.isDirectory(work)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(work, 2)) {
      walk.filter(p -> p.getParent() != null && !p.getParent().equals(work))
          .filter(p -> !p.getParent().equals(dir))
          .forEach(p -> leftFiles.add(dir.relativize(p).toString()));
    } catch (IOException e) {
      leftFiles.add("work folder unreadable: " + e);
    }
  }

  /** Files the workers left in their work folders, known once {@link #close} ran. */
  List<String> leftFiles() {
    return leftFiles;
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not remove {}: {}", root, e.toString());
    }
  }
}
