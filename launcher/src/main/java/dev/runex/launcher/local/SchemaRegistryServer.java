package dev.runex.launcher.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 3 (Confluent-compatible API at {@code /apis/ccompat/v7}) as a child process on
 * 127.0.0.1, run from {@code <home>/infra/target/apicurio} with a Java 21+ found by {@link
 * RegistryJava}. Ready when {@code GET /subjects} answers 200; then global compatibility is set to
 * BACKWARD (Apicurio's default is NONE), so an incompatible schema change is refused with 409.
 * {@link #close} stops the process by pid.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final ServerProcess process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SchemaRegistryServer(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts an in-memory registry working in {@code dataDir} and waits until it serves (port 0: a
   * free port).
   */
  public static SchemaRegistryServer start(Path dataDir, int port) {
    return start(dataDir, port, RegistryStorage.inMemory());
  }

  /** Starts a registry with this storage and waits until it serves with BACKWARD compatibility. */
  public static SchemaRegistryServer start(Path dataDir, int port, RegistryStorage storage) {
    SchemaRegistryServer server = launch(RunexHome.resolve(), dataDir, port, storage);
    server.awaitReady(READY_TIMEOUT);
    return server;
  }

  /** Starts the process without waiting; call {@link #awaitReady} before using it. */
  public static SchemaRegistryServer launch(
      RunexHome home, Path dataDir, int port, RegistryStorage storage) {
    int p = LoopbackPorts.orFree("schema registry port", port);
    int management = LoopbackPorts.orFree("schema registry management port", 0, p);
    home.ensureInfraFetched();
    Path java = RegistryJava.locate();
    Path dir = dataDir.toAbsolutePath();
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                ServerProcess.marker(dir),
                "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + p,
                // Quarkus otherwise opens its management port on 0.0.0.0:9000.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management));
    command.addAll(storage.systemProperties());
    command.addAll(List.of("-jar", home.apicurioRunJar().toString()));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LocalInfraException(
          "cannot create the registry data folder " + dir + ": " + e.getMessage(), e);
    }
    ServerProcess process =
        ServerProcess.launchServer("Apicurio Registry", command, dir, dir.resolve("registry.log"));
    return new SchemaRegistryServer(process, p);
  }

  /**
   * Blocks until the registry serves the ccompat API and BACKWARD is set; on failure stops it and
   * reports its log.
   */
  public void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    long started = System.nanoTime();
    try {
      awaitSubjects(deadline);
      setGlobalCompatibility("BACKWARD");
    } catch (RuntimeException e) {
      String logs = process.logTailSection();
      close();
      throw new LocalInfraException(
          "Apicurio Registry at "
              + ccompatUrl()
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
        "Apicurio Registry ready at {} (pid {}) after {} ms",
        ccompatUrl(),
        pid(),
        elapsedMillis(started));
  }

  private static long elapsedMillis(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  /** The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, up to 20 s for a clean shutdown, then SIGKILL; by pid only. */
  @Override
  public void close() {
    process.close();
  }

  /** SIGTERM, up to {@code grace} for a clean shutdown, then SIGKILL; by pid only. */
  public void close(Duration grace) {
    process.close(grace);
  }

  private void awaitSubjects(Instant deadline) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
            .header("Accept", CONTENT_TYPE)
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      process.requireAlive();
      try {
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() == 200) {
          return;
        }
        last = "HTTP " + reply.statusCode() + " " + reply.body();
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalInfraException("interrupted while waiting for the registry", e);
      }
      pause(250);
    }
    throw new LocalInfraException(
        "GET " + request.uri() + " did not answer 200 (last: " + last + ")");
  }

  private void setGlobalCompatibility(String level) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(ccompatUrl() + "/config"))
            .header("Content-Type", CONTENT_TYPE)
            .header("Accept", CONTENT_TYPE)
            .timeout(Duration.ofSeconds(15))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
            .build();
    try {
      HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() / 100 != 2) {
        throw new LocalInfraException(
            "PUT "
                + request.uri()
                + " compatibility "
                + level
                + " answered HTTP "
                + reply.statusCode()
                + " "
                + reply.body());
      }
    } catch (IOException e) {
      throw new LocalInfraException("PUT " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalInfraException("interrupted while configuring the registry", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // polling a starting server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalInfraException("interrupted while waiting for the registry", e);
    }
  }
}
