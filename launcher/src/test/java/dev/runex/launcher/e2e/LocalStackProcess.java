package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.launcher.local.RunexHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar launcher/target/runex.jar local} as a real process, the way a user runs it from
 * a terminal: in a process group of its own (so a test can send the group a terminal's Ctrl-C),
 * with SIGINT at its default disposition (a JVM started with SIGINT ignored, as background jobs of
 * a non-interactive shell are, would never see Ctrl-C), on free ports. Its home is a folder of its
 * own whose {@code infra} links to the build's servers, so its {@code .runex} state is the test's
 * alone and no {@code runex local} a developer runs meanwhile is disturbed.
 */
final class LocalStackProcess {
  private static final Pattern UP = Pattern.compile("runex is up: Kafka (127\\.0\\.0\\.1:\\d+),");
  private final Process process;
  private final Path out;
  private final String name;
  private final Path tmpDir;

  private LocalStackProcess(Process process, Path out, String name, Path tmpDir) {
    this.process = process;
    this.out = out;
    this.name = name;
    this.tmpDir = tmpDir;
  }

  /** A runex home at {@code dir} that uses this build's jars and servers. */
  static Path home(Path dir) throws IOException {
    Path real = RunexHome.resolve().root();
    Files.createDirectories(dir.resolve("infra"));
    Files.copy(real.resolve("infra/pom.xml"), dir.resolve("infra/pom.xml"));
    Files.createSymbolicLink(dir.resolve("infra/target"), real.resolve("infra/target"));
    return dir;
  }

  /**
   * Starts {@code runex local} with {@code args} in {@code home}, its java.io.tmpdir at {@code
   * tmpDir}, output to {@code <logs>/<name>.out}.
   */
  static LocalStackProcess start(String name, Path home, Path tmpDir, Path logs, List<String> args)
      throws IOException {
    Path jar = RunexHome.resolve().resolve("launcher/target/runex.jar");
    assertThat(jar).as("the shaded runex jar (built in the package phase)").exists();
    for (String tool : List.of("/usr/bin/setsid", "/usr/bin/env")) {
      assertThat(Path.of(tool))
          .as("%s (util-linux, coreutils) to start runex as a terminal would", tool)
          .isExecutable();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/setsid",
                "/usr/bin/env",
                "--default-signal=INT",
                java,
                "-Drunex.home=" + home,
                "-DRUNEX_LOG_LEVEL=INFO",
                "-Djava.io.tmpdir=" + Files.createDirectories(tmpDir),
                "-jar",
                jar.toString(),
                "local",
                "--kafka-port=0",
                "--controller-port=0",
                "--registry-port=0",
                "--set",
                "runex.metrics.port=0",
                "--set",
                "runex.topology.statusPort=0"));
    cmd.addAll(args);
    Path out = Files.createDirectories(logs).resolve(name + ".out");
    Process p =
        new ProcessBuilder(cmd)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    return new LocalStackProcess(p, out, name, tmpDir);
  }

  /** Waits until the stack says it is up; returns Kafka's bootstrap address. */
  String awaitUp(Duration timeout) {
    await(name + " up")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !process.isAlive() || UP.matcher(output()).find());
    Matcher m = UP.matcher(output());
    assertThat(m.find()).as("%s is up; its output:%n%s", name, output()).isTrue();
    return m.group(1);
  }

  /** Waits until the output contains {@code text}. */
  void awaitOutput(String text, Duration timeout) {
    await(name + " printing " + text)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !process.isAlive() || output().contains(text));
    assertThat(output()).as("%s output", name).contains(text);
  }

  String output() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Its java.io.tmpdir. */
  Path tmpDir() {
    return tmpDir;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Every process below it now (broker, registry, sandboxed jobs). */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  /** Sends {@code signal} to the process ({@code group}: to its whole process group, as Ctrl-C). */
  void signal(String signal, boolean group) throws IOException, InterruptedException {
    String target = group ? "-" + process.pid() : Long.toString(process.pid());
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", target).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %s", signal, target).isZero();
  }

  /**
   * Waits up to {@code timeout} for it to exit; returns how long it took, or null if it did not.
   */
  Duration awaitExit(Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, the servers survive it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Test clean-up: ends it and whatever it left (by pid, as a failed test may leave them). */
  void destroyAll() {
    List<ProcessHandle> below = process.isAlive() ? descendants() : List.of();
    process.destroyForcibly();
    below.forEach(ProcessHandle::destroyForcibly);
  }
}
