package dev.runex.launcher.local;

import dev.runex.config.RunexConfig;
import dev.runex.config.Setting;
import dev.runex.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One runex deployable ({@code runex worker}, {@code runex topology}, ...) as a child JVM of this
 * process, run from the shaded jar the build made ({@code launcher/target/runex.jar}), its output
 * appended to a log file. What scaling tests, benchmarks and fault runs need of a process that
 * Kubernetes would run as a pod: start it, stop it as Kubernetes does (SIGTERM, then SIGKILL after
 * a grace period), kill it, freeze and thaw it — always by its own pid, never by name.
 */
public final class RuntimeProcess implements AutoCloseable {
  /** The settings every child copies from the parent's configuration, so they share a cluster. */
  private static final List<Setting> SHARED =
      List.of(Settings.BOOTSTRAP_SERVERS, Settings.SCHEMA_REGISTRY_URL, Settings.TOPIC_PREFIX);

  private final String name;
  private final Process process;
  private final Path log;

  private RuntimeProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code runex <args...>} with the configuration file {@code configFile} (null: the
   * bundled defaults) plus the cluster settings of {@code cfg} and {@code overrides} ({@code
   * key=value}). Its {@code java.io.tmpdir} is {@code tmp/<name>} beside the log's folder, emptied
   * at each start ({@link ScratchDir}): the caller's folder, so nothing it unpacks outlives a kill.
   */
  public static RuntimeProcess start(
      String name,
      RunexConfig cfg,
      Path configFile,
      List<String> args,
      List<String> overrides,
      String heap,
      Path log) {
    Path jar = RunexHome.resolve().resolve("launcher/target/runex.jar");
    if (!Files.isRegularFile(jar)) {
      throw new LocalInfraException("the shaded runex jar is missing (build first): " + jar);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Path logDir = log.toAbsolutePath().getParent();
    List<String> cmd =
        ScratchDir.use(
            logDir.resolveSibling("tmp").resolve(name),
            List.of(java, "-Xmx" + heap, "-jar", jar.toString()));
    cmd.addAll(args);
    if (configFile != null) {
      cmd.add("--config");
      cmd.add(configFile.toString());
    }
    for (Setting s : SHARED) {
      cmd.add("--set");
      cmd.add(s.key() + "=" + cfg.string(s));
    }
    for (String o : overrides) {
      cmd.add("--set");
      cmd.add(o);
    }
    try {
      Files.createDirectories(logDir);
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new RuntimeProcess(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * Starts {@code runex worker} for {@code pool} with a stable id and {@code concurrency} slots;
   * without a metrics endpoint unless {@code overrides} set {@code runex.metrics.port}.
   */
  public static RuntimeProcess worker(
      String id,
      String pool,
      int concurrency,
      RunexConfig cfg,
      Path configFile,
      List<String> overrides,
      Path logDir) {
    List<String> all = new ArrayList<>(overrides);
    if (overrides.stream().noneMatch(o -> o.startsWith(Settings.METRICS_PORT.key() + "="))) {
      all.add(Settings.METRICS_PORT.key() + "=-1");
    }
    return start(
        id,
        cfg,
        configFile,
        List.of(
            "worker", "--pool", pool, "--id", id, "--concurrency", Integer.toString(concurrency)),
        all,
        "256m",
        logDir.resolve(id + ".log"));
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops it as Kubernetes does: SIGTERM, and SIGKILL (of it and whatever it left) when it has not
   * exited within {@code grace}. Returns how long it took to exit.
   */
  public Duration terminate(Duration grace) {
    long start = System.nanoTime();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** SIGKILL, no drain, no commit; waits until it is gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the JVM freezes as a hung host would (no heartbeats, no commits). */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String sig) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + name, e);
    }
  }

  /** The exit code, or -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      terminate(Duration.ofSeconds(40));
    }
  }
}
