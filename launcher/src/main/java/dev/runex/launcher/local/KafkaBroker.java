package dev.runex.launcher.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka (KRaft, broker and controller in one process) running as a child
 * process on 127.0.0.1, from the jars the build fetched into {@code
 * <home>/infra/target/kafka/libs}. The data folder is formatted on first use and reused afterwards,
 * so topics survive a restart. {@link #start} returns only once the broker has proven it can run
 * transactions and consumer groups (see {@link BrokerReadinessProbe}). From then on a {@link
 * HangingTransactionGuard} aborts the transactions a restarted broker leaves hanging, until {@link
 * #close} stops it and the process (by pid).
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final long FORMAT_TIMEOUT_SECONDS = 120;

  private final ServerProcess process;
  private final BrokerFiles files;
  private final int port;
  private final int controllerPort;
  private volatile HangingTransactionGuard guard;

  private KafkaBroker(ServerProcess process, BrokerFiles files, int port, int controllerPort) {
    this.process = process;
    this.files = files;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Starts a broker with its data in {@code dataDir} and waits until it is usable (port 0: a free
   * port).
   */
  public static KafkaBroker start(Path dataDir, int port, int controllerPort) {
    return start(dataDir, port, controllerPort, Map.of());
  }

  /**
   * As {@link #start(Path, int, int)}, with {@code serverOverrides} replacing or adding settings of
   * the broker's {@code server.properties} (a benchmark comparing a setting with Kafka's default).
   */
  public static KafkaBroker start(
      Path dataDir, int port, int controllerPort, Map<String, String> serverOverrides) {
    KafkaBroker broker =
        launch(RunexHome.resolve(), dataDir, port, controllerPort, serverOverrides);
    broker.awaitReady(READY_TIMEOUT);
    return broker;
  }

  /**
   * Starts the broker process without waiting for it (formatting the folder first if new); call
   * {@link #awaitReady} before using it. Lets a caller start other servers meanwhile.
   */
  public static KafkaBroker launch(RunexHome home, Path dataDir, int port, int controllerPort) {
    return launch(home, dataDir, port, controllerPort, Map.of());
  }

  private static KafkaBroker launch(
      RunexHome home,
      Path dataDir,
      int port,
      int controllerPort,
      Map<String, String> serverOverrides) {
    int p = LoopbackPorts.orFree("Kafka port", port);
    int cp = LoopbackPorts.orFree("Kafka controller port", controllerPort, p);
    if (p == cp) {
      throw new LocalInfraException("Kafka port and controller port must differ, both were " + p);
    }
    home.ensureInfraFetched();
    BrokerFiles files = new BrokerFiles(dataDir.toAbsolutePath());
    files.write(p, cp, serverOverrides);
    warnIfLoggingIsLost(home.kafkaLibs());
    String java = currentJava();
    if (!Files.exists(files.metaProperties())) {
      format(java, home, files);
    }
    List<String> command = new ArrayList<>(jvm(java, home, files));
    command.addAll(
        List.of(
            ServerProcess.marker(files.dataDir()),
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "kafka.Kafka",
            files.serverProperties().toString()));
    ServerProcess process =
        ServerProcess.launchServer("Kafka broker", command, files.dataDir(), files.processLog());
    return new KafkaBroker(process, files, p, cp);
  }

  /**
   * Blocks until the broker runs transactions and consumer groups; on failure stops it and reports
   * its log.
   */
  public void awaitReady(Duration timeout) {
    long started = System.nanoTime();
    try {
      BrokerReadinessProbe.await(bootstrapServers(), process, timeout);
    } catch (BrokerReadinessProbe.ProbeFailure | RuntimeException e) {
      String logs =
          process.logTailSection()
              + "\n--- Kafka WARN/ERROR log "
              + files.kafkaLog()
              + " ---\n"
              + ServerProcess.tail(files.kafkaLog(), 40);
      close();
      throw new LocalInfraException(
          "Kafka broker at "
              + bootstrapServers()
              + " (pid "
              + pid()
              + ") not ready after "
              + elapsedMillis(started) / 1000
              + " s (limit "
              + timeout.toSeconds()
              + " s): "
              + e.getMessage()
              + logs,
          e);
    }
    log.info(
        "Kafka broker ready at {} (pid {}) after {} ms",
        bootstrapServers(),
        pid(),
        elapsedMillis(started));
    if (guard == null) {
      guard = HangingTransactionGuard.start(bootstrapServers());
    }
  }

  private static long elapsedMillis(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public long pid() {
    return process.pid();
  }

  public Path dataDir() {
    return files.dataDir();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, up to 20 s for a clean shutdown, then SIGKILL; by pid only. */
  @Override
  public void close() {
    stopGuard();
    process.close();
  }

  private void stopGuard() {
    HangingTransactionGuard g = guard;
    guard = null;
    if (g != null) {
      g.close();
    }
  }

  /**
   * SIGTERM, up to {@code grace} for a clean shutdown, then SIGKILL; by pid only. A short grace
   * suits a broker whose data is deleted next: its clean shutdown (seconds) would protect nothing.
   */
  public void close(Duration grace) {
    stopGuard();
    process.close(grace);
  }

  private static void format(String java, RunexHome home, BrokerFiles files) {
    String clusterId = Uuid.randomUuid().toString();
    List<String> command = new ArrayList<>(jvm(java, home, files));
    command.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            clusterId,
            "-c",
            files.serverProperties().toString()));
    log.info("Formatting new Kafka data folder {} (cluster id {})", files.logDirs(), clusterId);
    ServerProcess.runToCompletion(
        "Kafka storage format",
        command,
        files.dataDir(),
        files.processLog(),
        FORMAT_TIMEOUT_SECONDS);
  }

  private static List<String> jvm(String java, RunexHome home, BrokerFiles files) {
    return List.of(
        java,
        "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + files.log4jProperties(),
        // Kafka stops log4j itself; log4j's own hook only complains that the JVM is already
        // exiting.
        "-Dlog4j2.shutdownHookEnabled=false",
        "-cp",
        home.kafkaLibs() + "/*");
  }

  /**
   * The java binary running this JVM: the broker needs nothing newer, and it is surely installed.
   */
  static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Kafka logs through SLF4J 1.7 bindings (log4j-slf4j-impl); with SLF4J 2 on the broker's
   * classpath that binding is ignored and every broker log line is silently dropped. Say so once,
   * since a broker that fails to start would then leave no clue.
   */
  private static void warnIfLoggingIsLost(Path libs) {
    try (var jars = Files.list(libs)) {
      List<String> names = jars.map(j -> j.getFileName().toString()).toList();
      boolean slf4j2 = names.stream().anyMatch(n -> n.startsWith("slf4j-api-2."));
      boolean oldBinding = names.stream().anyMatch(n -> n.startsWith("log4j-slf4j-impl-"));
      boolean newBinding = names.stream().anyMatch(n -> n.startsWith("log4j-slf4j2-impl-"));
      if (slf4j2 && oldBinding && !newBinding) {
        log.warn(
            "Kafka broker log lines are dropped: {} has slf4j-api 2.x with the 1.x binding log4j-slf4j-impl; "
                + "infra/pom.xml should fetch log4j-slf4j2-impl (or pin slf4j-api 1.7.36)",
            libs);
      }
    } catch (IOException e) {
      log.debug("Cannot list {}: {}", libs, e.toString());
    }
  }
}
