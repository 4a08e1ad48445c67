package dev.runex.launcher.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java {@value #MIN_FEATURE}+ binary for Apicurio Registry 3 (runex itself runs on 17): the
 * environment variable {@value #ENV}, else the current JVM when new enough, else the newest JDK
 * under {@code /usr/lib/jvm} whose {@code release} file says so.
 */
public final class RegistryJava {
  public static final String ENV = "RUNEX_REGISTRY_JAVA";
  public static final int MIN_FEATURE = 21;
  private static final Pattern JAVA_VERSION =
      Pattern.compile("^JAVA_VERSION=\"?(\\d+)(?:\\.(\\d+))?", Pattern.MULTILINE);

  private RegistryJava() {}

  /** The java binary to run the registry with, for this process's environment. */
  public static Path locate() {
    Path current = Path.of(KafkaBroker.currentJava());
    return locate(
        System.getenv(ENV), current, Runtime.version().feature(), Path.of("/usr/lib/jvm"));
  }

  /**
   * The java binary to run the registry with: {@code envJava} if set, else {@code currentJava} when
   * its feature version is at least {@value #MIN_FEATURE}, else the newest qualifying JDK under
   * {@code jvmRoot}.
   */
  public static Path locate(String envJava, Path currentJava, int currentFeature, Path jvmRoot) {
    if (envJava != null && !envJava.isBlank()) {
      return checkedEnv(envJava);
    }
    if (currentFeature >= MIN_FEATURE) {
      return currentJava;
    }
    return newestUnder(jvmRoot)
        .orElseThrow(
            () ->
                new LocalInfraException(
                    "Apicurio Registry needs Java "
                        + MIN_FEATURE
                        + " or newer, but this JVM is "
                        + currentFeature
                        + " and no JDK "
                        + MIN_FEATURE
                        + "+ was found under "
                        + jvmRoot
                        + ". Install one (e.g. apt-get install "
                        + "temurin-21-jdk or openjdk-21-jdk-headless) or set "
                        + ENV
                        + " to the path of its bin/java"));
  }

  /**
   * The feature version a JDK's {@code release} file declares ({@code JAVA_VERSION="25.0.1"} is 25,
   * "1.8.0" is 8).
   */
  public static OptionalInt releaseFeature(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return OptionalInt.empty();
    }
    try {
      Matcher m = JAVA_VERSION.matcher(Files.readString(release));
      if (!m.find()) {
        return OptionalInt.empty();
      }
      int major = Integer.parseInt(m.group(1));
      return OptionalInt.of(
          major == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : major);
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static Path checkedEnv(String envJava) {
    Path java = Path.of(envJava);
    if (!Files.isExecutable(java) || Files.isDirectory(java)) {
      throw new LocalInfraException(
          ENV
              + " must be the path of a java binary (Java "
              + MIN_FEATURE
              + "+), was '"
              + envJava
              + "'");
    }
    // bin/java -> the JDK home with its release file; when there is none, trust the user.
    Path home = java.toAbsolutePath().getParent().getParent();
    OptionalInt feature = home == null ? OptionalInt.empty() : releaseFeature(home);
    if (feature.isPresent() && feature.getAsInt() < MIN_FEATURE) {
      throw new LocalInfraException(
          ENV
              + " must point to Java "
              + MIN_FEATURE
              + " or newer, was '"
              + envJava
              + "' (Java "
              + feature.getAsInt()
              + ")");
    }
    return java;
  }

  private record Candidate(Path java, int feature) {}

  private static Optional<Path> newestUnder(Path jvmRoot) {
    if (!Files.isDirectory(jvmRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvmRoot)) {
      List<Path> sorted = homes.sorted().toList();
      return sorted.stream()
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .map(home -> new Candidate(home.resolve("bin/java"), releaseFeature(home).orElse(0)))
          .filter(c -> c.feature() >= MIN_FEATURE)
          .max(Comparator.comparingInt(Candidate::feature))
          .map(Candidate::java);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
