package dev.runex.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect worker (standalone mode) as a child process on 127.0.0.1, from the jars the build
 * laid out under {@code connectors/}: runex's plugins (webhook sink, Avro converter) and Debezium's
 * JDBC sink on its plugin path. Connectors are added through its REST API ({@link #restUrl}); the
 * configs in {@code connectors/config/} are ready for it. Secrets in those configs are read from
 * the worker's environment ({@code ${env:NAME}}), or from files ({@code ${file:path:key}}). {@link
 * #start} returns once the REST API lists both sink connectors; {@link #close} stops the process by
 * pid.
 */
public final class ConnectWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectWorker.class);
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  static final String WEBHOOK_SINK = "dev.runex.connectors.webhook.WebhookSinkConnector";
  static final String JDBC_SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

  private final ServerProcess process;
  private final int port;

  private ConnectWorker(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts a worker on {@code bootstrapServers} with its files in {@code dataDir} (port 0: a free
   * port), {@code env} added to its environment, and waits until its REST API serves both sinks.
   */
  public static ConnectWorker start(
      RunexHome home, Path dataDir, String bootstrapServers, int port, Map<String, String> env) {
    home.requireConnectBuilt();
    int p = LoopbackPorts.orFree("Connect REST port", port);
    Path dir = dataDir.toAbsolutePath();
    write(dir.resolve("worker.properties"), workerConfig(home, dir, bootstrapServers, p));
    write(dir.resolve("log4j2.properties"), log4jConfig(dir.resolve("connect.log")));
    List<String> command =
        List.of(
            KafkaBroker.currentJava(),
            "-Xmx512m",
            "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
            "-Dlog4j2.shutdownHookEnabled=false",
            "-cp",
            home.connectLibs() + "/*",
            "org.apache.kafka.connect.cli.ConnectStandalone",
            dir.resolve("worker.properties").toString());
    ServerProcess process =
        ServerProcess.launch(
            "Kafka Connect worker", command, dir, dir.resolve("connect-process.log"), env);
    ConnectWorker worker = new ConnectWorker(process, p);
    worker.awaitReady(READY_TIMEOUT);
    return worker;
  }

  static Map<String, String> workerConfig(
      RunexHome home, Path dir, String bootstrapServers, int port) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrapServers);
    c.put("listeners", "http://127.0.0.1:" + port);
    c.put("rest.advertised.host.name", "127.0.0.1");
    c.put("rest.advertised.port", Integer.toString(port));
    c.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    // sink offsets are committed this often: the most a restart redelivers
    c.put("offset.flush.interval.ms", "10000");
    c.put(
        "plugin.path",
        home.connectPluginPath().stream().map(Path::toString).collect(Collectors.joining(",")));
    // every plugin here declares itself in META-INF/services: no slow scan of Debezium's jars
    c.put("plugin.discovery", "service_load");
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    // runex writes its results in transactions: never hand a sink an aborted one
    c.put("consumer.isolation.level", "read_committed");
    c.put("config.providers", "env,file");
    c.put(
        "config.providers.env.class",
        "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    c.put(
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    return c;
  }

  private static Map<String, String> log4jConfig(Path logFile) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("status", "warn");
    c.put("appender.file.type", "File");
    c.put("appender.file.name", "file");
    c.put("appender.file.fileName", logFile.toString());
    c.put("appender.file.layout.type", "PatternLayout");
    c.put("appender.file.layout.pattern", "[%d] %p %m (%c)%n");
    c.put("rootLogger.level", "WARN");
    c.put("rootLogger.appenderRef.file.ref", "file");
    // our connectors' retries and dead letters
    c.put("logger.runex.name", "dev.runex");
    c.put("logger.runex.level", "INFO");
    return c;
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = process.logTailSection() + connectLogTail();
        close();
        throw new LocalInfraException(
            "Kafka Connect worker (pid " + pid() + ") exited while starting" + tail);
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(restUrl().resolve("/connector-plugins"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200
            && r.body().contains(WEBHOOK_SINK)
            && r.body().contains(JDBC_SINK)) {
          log.info("Kafka Connect worker ready at {} (pid {})", restUrl(), pid());
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new LocalInfraException("interrupted while waiting for the Connect worker", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new LocalInfraException("interrupted while waiting for the Connect worker", e);
      }
    }
    String tail = process.logTailSection() + connectLogTail();
    close();
    throw new LocalInfraException(
        "Kafka Connect worker at "
            + restUrl()
            + " did not list both sink connectors within "
            + timeout.toSeconds()
            + " s (last: "
            + last
            + ")"
            + tail);
  }

  private String connectLogTail() {
    Path connectLog = process.logFile().resolveSibling("connect.log");
    return "\n--- Connect WARN/ERROR log "
        + connectLog
        + " ---\n"
        + ServerProcess.tail(connectLog, 40);
  }

  /** The REST API, e.g. {@code http://127.0.0.1:8083}. */
  public URI restUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The worker's own log (WARN and up, INFO for runex's connectors). */
  public Path logFile() {
    return process.logFile().resolveSibling("connect.log");
  }

  /** SIGTERM, a grace period for a clean shutdown (offsets committed), then SIGKILL; by pid. */
  @Override
  public void close() {
    process.close();
  }

  private static void write(Path file, Map<String, String> properties) {
    String text =
        properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
            .collect(Collectors.joining("\n", "# written by runex on every start\n", "\n"));
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
