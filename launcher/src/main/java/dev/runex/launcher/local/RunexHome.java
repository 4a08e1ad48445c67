package dev.runex.launcher.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runex repository root ({@code <home>}), where the build put the real servers: {@code
 * infra/target/kafka/libs} (Apache Kafka's broker jars) and {@code infra/target/apicurio} (Apicurio
 * Registry). Resolved from the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV}, else the nearest folder at or above the working directory that holds {@code
 * infra/pom.xml}.
 */
public record RunexHome(Path root) {
  public static final String PROPERTY = "runex.home";
  public static final String ENV = "RUNEX_HOME";
  private static final Logger log = LoggerFactory.getLogger(RunexHome.class);

  public RunexHome {
    root = root.toAbsolutePath().normalize();
  }

  /** The home of this process (system property, environment, working directory). */
  public static RunexHome resolve() {
    return resolve(System.getProperty(PROPERTY), System.getenv(ENV), Path.of("").toAbsolutePath());
  }

  /**
   * The home given explicitly ({@code property} first, then {@code env}), else found above {@code
   * workDir}.
   */
  public static RunexHome resolve(String property, String env, Path workDir) {
    if (property != null && !property.isBlank()) {
      return checked(PROPERTY, property);
    }
    if (env != null && !env.isBlank()) {
      return checked(ENV, env);
    }
    for (Path dir = workDir.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("infra/pom.xml"))) {
        return new RunexHome(dir);
      }
    }
    throw new LocalInfraException(
        "cannot find the runex home: set -D"
            + PROPERTY
            + " or "
            + ENV
            + " to the runex repository root (the folder containing infra/pom.xml), or run from inside it (working directory "
            + workDir
            + ")");
  }

  private static RunexHome checked(String key, String value) {
    RunexHome home = new RunexHome(Path.of(value));
    if (!Files.isRegularFile(home.infraPom())) {
      throw new LocalInfraException(
          key
              + " must be the runex repository root (the folder containing infra/pom.xml), was '"
              + value
              + "'");
    }
    return home;
  }

  /** A path inside the home, e.g. {@code resolve(".runex")}. */
  public Path resolve(String relative) {
    return root.resolve(relative);
  }

  public Path infraPom() {
    return root.resolve("infra/pom.xml");
  }

  /** Apache Kafka's broker jars (the broker's classpath is {@code <this>/*}). */
  public Path kafkaLibs() {
    return root.resolve("infra/target/kafka/libs");
  }

  /** The unpacked Apicurio Registry distribution. */
  public Path apicurioDir() {
    return root.resolve("infra/target/apicurio");
  }

  public Path apicurioRunJar() {
    return apicurioDir().resolve("quarkus-run.jar");
  }

  /** The Kafka Connect worker's jars (its classpath is {@code <this>/*}). */
  public Path connectLibs() {
    return root.resolve("connectors/worker/target/connect/libs");
  }

  /**
   * The Connect worker's {@code plugin.path}: runex's own plugins (webhook sink, Avro converter)
   * and Debezium's JDBC sink, each folder laid out by the build.
   */
  public List<Path> connectPluginPath() {
    return List.of(
        root.resolve("connectors/target/plugins"),
        root.resolve("connectors/debezium-jdbc/target/plugins"));
  }

  /** True when the build has laid out the Connect worker and both plugin folders. */
  public boolean connectBuilt() {
    return containsJar(connectLibs(), "connect-runtime-")
        && containsJar(connectPluginPath().get(0).resolve("runex-connectors"), "runex-connectors-")
        && containsJar(
            connectPluginPath().get(1).resolve("debezium-connector-jdbc"),
            "debezium-connector-jdbc-");
  }

  /** Fails with the command that builds the Connect worker and plugins when they are missing. */
  public void requireConnectBuilt() {
    if (!connectBuilt()) {
      throw new LocalInfraException(
          "the Kafka Connect worker or its plugins are not built under "
              + root.resolve("connectors")
              + "; build them with: mvn -B -q -DskipTests -Dspotless.check.skip=true -f "
              + root.resolve("pom.xml")
              + " package");
    }
  }

  private static boolean containsJar(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
    } catch (IOException e) {
      return false;
    }
  }

  /** True when both servers have been fetched by the build. */
  public boolean infraFetched() {
    return Files.isRegularFile(apicurioRunJar()) && containsKafkaJar(kafkaLibs());
  }

  /**
   * Fetches the servers from Maven Central when they are missing, by running the build's own {@code
   * mvn -f infra/pom.xml generate-resources} with this process's console.
   */
  public void ensureInfraFetched() {
    if (infraFetched()) {
      return;
    }
    List<String> command =
        List.of("mvn", "-B", "-q", "-f", infraPom().toString(), "generate-resources");
    log.warn(
        "Kafka broker or Apicurio Registry not found under {}; fetching them from Maven Central: {}",
        root.resolve("infra/target"),
        String.join(" ", command));
    int exit;
    try {
      exit = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new LocalInfraException(
          "cannot run Maven to fetch the Kafka broker and Apicurio Registry ("
              + e.getMessage()
              + "); install Maven or run: "
              + String.join(" ", command),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalInfraException(
          "interrupted while fetching the Kafka broker and Apicurio Registry", e);
    }
    if (exit != 0 || !infraFetched()) {
      throw new LocalInfraException(
          "fetching the Kafka broker and Apicurio Registry failed (exit code "
              + exit
              + "): "
              + String.join(" ", command));
    }
  }

  private static boolean containsKafkaJar(Path libs) {
    if (!Files.isDirectory(libs)) {
      return false;
    }
    try (var files = Files.list(libs)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
    } catch (IOException e) {
      return false;
    }
  }
}
