package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.RunexHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code runex topology} and {@code runex worker} as real processes of the shaded jar, configured
 * from a test's config (broker, registry, topic prefix, application id, state folder), each logging
 * to a file. Closing stops them (SIGTERM, then SIGKILL), by pid.
 */
final class RuntimeProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Path logs;

  RuntimeProcesses(Path logs) throws IOException {
    this.logs = Files.createDirectories(logs);
  }

  Process topology(RunexConfig cfg, Path stateDir) throws IOException {
    List<String> args = new ArrayList<>(List.of("topology"));
    set(args, Settings.TOPOLOGY_APPLICATION_ID.key(), cfg.string(Settings.TOPOLOGY_APPLICATION_ID));
    set(args, Settings.TOPOLOGY_STATE_DIR.key(), stateDir.toString());
    set(args, Settings.TOPOLOGY_STATUS_PORT.key(), "0");
    return start("topology", cfg, args);
  }

  Process worker(RunexConfig cfg, String id) throws IOException {
    return start(
        "worker-" + id,
        cfg,
        new ArrayList<>(List.of("worker", "--pool", "default", "--id", id, "--concurrency", "8")));
  }

  private Process start(String name, RunexConfig cfg, List<String> args) throws IOException {
    Path jar = RunexHome.resolve().resolve("launcher/target/runex.jar");
    assertThat(jar).as("the shaded runex jar (built in the package phase)").exists();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-jar", jar.toString()));
    cmd.addAll(args);
    for (var s :
        List.of(Settings.BOOTSTRAP_SERVERS, Settings.SCHEMA_REGISTRY_URL, Settings.TOPIC_PREFIX)) {
      set(cmd, s.key(), cfg.string(s));
    }
    set(cmd, Settings.METRICS_PORT.key(), "-1");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private static void set(List<String> cmd, String key, String value) {
    cmd.add("--set");
    cmd.add(key + "=" + value);
  }

  @Override
  public void close() throws InterruptedException {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
