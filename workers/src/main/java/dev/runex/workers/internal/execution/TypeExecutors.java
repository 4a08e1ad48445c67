package dev.runex.workers.internal.execution;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.internal.execution.http.HttpExecutor;
import dev.runex.workers.internal.execution.process.ProcessExecutor;
import dev.runex.workers.internal.execution.process.ProcessSandbox;
import dev.runex.workers.internal.execution.process.SandboxTools;
import dev.runex.workers.internal.execution.process.SandboxUids;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What runs a job type's attempts, per its {@code executor}: a {@link JobHandler} found by its name
 * ({@code java}: the worker's handler registry), a {@link ProcessExecutor} ({@code process}) or an
 * {@link HttpExecutor} ({@code http}), made once per type and reused (an http type keeps its client
 * and circuit breaker). The process sandbox is set up on first use: its tools are probed once per
 * worker.
 */
public final class TypeExecutors {
  /**
   * A resolved executor.
   *
   * @param body runs one attempt
   * @param timerSlack how long after the deadline the runner's own timeout fires: executors that
   *     stop their work at the deadline themselves need time to do so and to report on it
   */
  public record Executor(AttemptBody body, Duration timerSlack) {}

  private final Function<String, Optional<JobHandler>> handlers;
  private final Clock clock;
  private final Duration killGrace;
  private final Supplier<ProcessSandbox> sandboxFactory;
  private final Map<String, Executor> byType = new ConcurrentHashMap<>();
  private volatile ProcessSandbox sandbox;

  /**
   * @param handlers the java handler of a name, if one is registered
   * @param owner the worker (pool and id) process attempts' directories belong to
   */
  public TypeExecutors(
      RunexConfig cfg, Function<String, Optional<JobHandler>> handlers, Clock clock, String owner) {
    this(
        handlers,
        clock,
        cfg.duration(Settings.WORKER_KILL_GRACE),
        () ->
            new ProcessSandbox(
                SandboxTools.detect(),
                cfg.sandboxMode(),
                workRoot(cfg),
                owner,
                cfg.duration(Settings.WORKER_KILL_GRACE),
                SandboxUids.forThisProcess()));
  }

  TypeExecutors(
      Function<String, Optional<JobHandler>> handlers,
      Clock clock,
      Duration killGrace,
      Supplier<ProcessSandbox> sandboxFactory) {
    this.handlers = handlers;
    this.clock = clock;
    this.killGrace = killGrace;
    this.sandboxFactory = sandboxFactory;
  }

  /**
   * Sets up the process sandbox now when {@code pool} has process types, so the worker reports at
   * start (not at its first job) how process jobs will be isolated — or that they will not be.
   */
  public void prepare(Collection<JobTypeSpec> types, String pool) {
    if (types.stream()
        .anyMatch(t -> t.pool().equals(pool) && JobTypeSpec.PROCESS.equals(t.executor()))) {
      sandbox();
    }
  }

  /** The executor of {@code type}, or empty for a java type whose handler is not registered. */
  public Optional<Executor> find(JobTypeSpec type) {
    if (JobTypeSpec.JAVA.equals(type.executor())) {
      return handlers
          .apply(type.handler())
          .map(h -> new Executor(AttemptBody.of(h), Duration.ZERO));
    }
    return Optional.of(byType.computeIfAbsent(type.name(), n -> create(type)));
  }

  private Executor create(JobTypeSpec type) {
    return switch (type.executor()) {
      case JobTypeSpec.PROCESS ->
          new Executor(
              new ProcessExecutor(type, sandbox()), killGrace.plus(Duration.ofSeconds(10)));
      case JobTypeSpec.HTTP ->
          new Executor(
              new HttpExecutor(type, HttpExecutor.client(type), clock), Duration.ofSeconds(5));
      default ->
          throw new IllegalStateException(
              "executor '" + type.executor() + "' passed config validation but is unknown");
    };
  }

  private synchronized ProcessSandbox sandbox() {
    if (sandbox == null) {
      sandbox = sandboxFactory.get();
    }
    return sandbox;
  }

  static Path workRoot(RunexConfig cfg) {
    String dir = cfg.string(Settings.WORKER_WORK_DIR).trim();
    return dir.isEmpty()
        ? Path.of(System.getProperty("java.io.tmpdir"), "runex-jobs")
        : Path.of(dir);
  }
}
