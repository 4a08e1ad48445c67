package dev.runex.workers.internal.execution.process;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.SandboxMode;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.internal.cleanup.AttemptDirectory;
import dev.runex.workers.internal.cleanup.ProcessTree;
import dev.runex.workers.internal.execution.process.SandboxRun.Ending;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt's argv as an OS process under the job's limits, and cleans up after it.
 *
 * <p>Contract: each run gets a fresh directory (deleted afterwards, whatever happened) and, as
 * root, a uid of its own; with bubblewrap it runs in its own PID, IPC, UTS and — unless allowed —
 * network namespaces with a read-only view of the host and only its working directory (and a
 * private /tmp) writable ({@link SandboxCommand}); rlimits bound its memory (address space), CPU
 * time, processes and file sizes; the environment holds only the type's allowlist plus the
 * attempt's own variables; stdin is empty; stdout is kept up to {@code limits.output}, stderr's
 * tail for diagnostics. At the deadline, or when the calling thread is interrupted (the worker
 * abandons the attempt), every process of the job gets SIGTERM, then SIGKILL after the grace period
 * ({@link ProcessTree}); the run returns only when none is left.
 *
 * <p>Without bubblewrap ({@code runex.worker.sandbox: none}, or {@code auto} on a host without it)
 * the job runs unsandboxed in a process group of its own with the same rlimits: this is logged
 * loudly and every result says {@code isolation: rlimits-only}.
 */
public final class ProcessSandbox {
  public static final String BUBBLEWRAP = "bubblewrap";
  public static final String RLIMITS_ONLY = "rlimits-only";
  private static final Logger log = LoggerFactory.getLogger(ProcessSandbox.class);
  private static final int STDERR_TAIL = 8 * 1024;
  private static final long STREAM_WAIT_MS = 2_000;

  /**
   * How long a run looks for bwrap's namespace init once started (it comes within milliseconds).
   */
  private static final Duration FIND_INIT_WAIT = Duration.ofSeconds(1);

  private final SandboxTools tools;
  private final SandboxMode mode;
  private final Path workRoot;
  private final String owner;
  private final Duration killGrace;
  private final SandboxUids uids;

  public ProcessSandbox(
      SandboxTools tools, SandboxMode mode, Path workRoot, Duration killGrace, SandboxUids uids) {
    this(tools, mode, workRoot, null, killGrace, uids);
  }

  /**
   * @param owner the worker the attempt directories belong to (null: none): their names start with
   *     it, and what a previous worker of that name left is deleted now
   */
  public ProcessSandbox(
      SandboxTools tools,
      SandboxMode mode,
      Path workRoot,
      String owner,
      Duration killGrace,
      SandboxUids uids) {
    this.owner = owner;
    this.tools = tools;
    this.mode = mode;
    this.workRoot = workRoot;
    this.killGrace = killGrace;
    this.uids = uids;
    describe();
    if (owner != null) {
      removeLeftovers();
    }
  }

  private void removeLeftovers() {
    try {
      int removed = AttemptDirectory.removeLeftovers(workRoot, owner);
      if (removed > 0) {
        log.info(
            "deleted {} attempt director{} that an earlier worker (of id {} or a dead default-id one) left under {}",
            removed,
            removed == 1 ? "y" : "ies",
            owner,
            workRoot);
      }
    } catch (IOException e) {
      log.warn("could not delete what a previous worker {} left under {}: {}", owner, workRoot, e);
    }
  }

  /**
   * What to run.
   *
   * @param jobId names the attempt directory
   * @param attempt names the attempt directory
   * @param command the job's argv, given its working directory
   * @param limits the job's effective limits
   * @param env the job's environment (already filtered); HOME, PWD and TMPDIR are added here
   * @param deadline when the run is stopped as TIMED_OUT
   */
  public record Request(
      String jobId,
      int attempt,
      Function<Path, List<String>> command,
      ExecutionLimits limits,
      Map<String, String> env,
      Instant deadline) {}

  /** Whether runs are isolated by bubblewrap. */
  public boolean isolated() {
    return mode != SandboxMode.NONE && tools.bwrap() != null;
  }

  public String isolation() {
    return isolated() ? BUBBLEWRAP : RLIMITS_ONLY;
  }

  /**
   * Runs {@code request} to its end. Interruption cancels the run (its processes are ended first)
   * and is re-asserted on return; the result then says {@link Ending#CANCELLED}.
   *
   * @throws PermanentJobException {@code SANDBOX_UNAVAILABLE}: the configured isolation cannot be
   *     had here
   * @throws IOException the directory or the process could not be created
   */
  public SandboxRun run(Request request) throws PermanentJobException, IOException {
    checkAvailable();
    int uid = tools.canDropPrivileges() ? uids.lease() : -1;
    try {
      AttemptDirectory dir =
          AttemptDirectory.create(workRoot, owner, request.jobId(), request.attempt(), uid);
      try {
        return runIn(dir, uid, request);
      } finally {
        deleteQuietly(dir);
      }
    } finally {
      if (uid >= 0) {
        uids.release(uid);
      }
    }
  }

  private SandboxRun runIn(AttemptDirectory dir, int uid, Request request) throws IOException {
    boolean bubblewrap = isolated();
    List<String> argv =
        SandboxCommand.build(
            tools, bubblewrap, dir, request.limits(), uid, request.command().apply(dir.work()));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(dir.work().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(environment(request, dir, bubblewrap));
    long started = System.nanoTime();
    Process process = pb.start();
    ProcessTree tree =
        new ProcessTree(
            process,
            !bubblewrap && tools.setsid() != null,
            wrappers(),
            bubblewrap ? SandboxCommand.runArgument(dir) : null);
    String name = "runex-job-" + process.pid();
    OutputCapture out =
        OutputCapture.head(
            process.getInputStream(), request.limits().outputBytes(), name + "-stdout");
    OutputCapture err = OutputCapture.tail(process.getErrorStream(), STDERR_TAIL, name + "-stderr");
    Ending ending = Ending.EXITED;
    try {
      ending = await(process, tree, request.deadline());
    } finally {
      // whatever happened: nothing of the job outlives the run (leftovers of a finished job
      // included)
      tree.killAll();
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    awaitStreams(out, err);
    return result(ending, process, dir, request.limits(), out, err, wall);
  }

  /** Waits for the job to exit by itself, or ends it at the deadline or on interruption. */
  private Ending await(Process process, ProcessTree tree, Instant deadline) {
    try {
      tree.findSandboxInit(FIND_INIT_WAIT);
      long leftMs = Duration.between(Instant.now(), deadline).toMillis();
      if (leftMs > 0 && process.waitFor(leftMs, TimeUnit.MILLISECONDS)) {
        return Ending.EXITED;
      }
      tree.terminate(killGrace);
      return Ending.TIMED_OUT;
    } catch (InterruptedException e) {
      tree.terminate(killGrace);
      Thread.currentThread().interrupt();
      return Ending.CANCELLED;
    }
  }

  private static void awaitStreams(OutputCapture out, OutputCapture err) {
    boolean interrupted = Thread.interrupted();
    try {
      // every process is gone, so the pipes are at their end; a bounded wait guards against the
      // unforeseen
      if (!out.awaitEnd(STREAM_WAIT_MS) || !err.awaitEnd(STREAM_WAIT_MS)) {
        log.warn(
            "a job's output streams stayed open after its processes ended; using what was read");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private SandboxRun result(
      Ending ending,
      Process process,
      AttemptDirectory dir,
      ExecutionLimits limits,
      OutputCapture out,
      OutputCapture err,
      Duration wall) {
    RusageReport usage = RusageReport.read(dir.acct().resolve(SandboxCommand.USAGE_FILE));
    int exit = process.isAlive() ? -1 : process.exitValue();
    Integer signal = usage != null ? usage.signal() : null;
    if (usage != null && signal == null) {
      exit = usage.exitStatus();
    } else if (signal != null) {
      exit = 128 + signal;
    }
    String limit =
        switch (ending) {
          case TIMED_OUT -> ReasonCode.TIMED_OUT.code();
          case CANCELLED -> ReasonCode.CANCELLED.code();
          case EXITED ->
              LimitDiagnosis.diagnose(
                  exit,
                  signal,
                  usage == null ? null : usage.cpuMs(),
                  limits,
                  err.tailText(),
                  out.truncated());
        };
    return new SandboxRun(
        ending,
        exit,
        signal,
        out.headBytes(),
        out.total(),
        out.truncated(),
        err.tailText(),
        wall,
        usage == null ? null : usage.cpuMs(),
        usage == null ? null : usage.peakRssBytes(),
        limit,
        isolation());
  }

  private Map<String, String> environment(
      Request request, AttemptDirectory dir, boolean bubblewrap) {
    Map<String, String> env = new LinkedHashMap<>(request.env());
    env.put("HOME", dir.work().toString());
    env.put("PWD", dir.work().toString());
    env.put("TMPDIR", bubblewrap ? "/tmp" : dir.work().toString());
    return env;
  }

  private Set<Path> wrappers() {
    Set<Path> w = new HashSet<>();
    if (tools.bwrap() != null) {
      w.add(tools.bwrap());
    }
    if (tools.time() != null) {
      w.add(tools.time());
    }
    return w;
  }

  private void checkAvailable() throws PermanentJobException {
    if (mode == SandboxMode.BUBBLEWRAP && tools.bwrap() == null) {
      throw new PermanentJobException(
          ReasonCode.SANDBOX_UNAVAILABLE.code(),
          "runex.worker.sandbox is bubblewrap, but bwrap is "
              + (tools.bwrapProblem() == null
                  ? "not installed (apt-get install bubblewrap)"
                  : "unusable: " + tools.bwrapProblem()));
    }
    if (tools.prlimit() == null) {
      throw new PermanentJobException(
          ReasonCode.SANDBOX_UNAVAILABLE.code(),
          "prlimit (util-linux) is not installed: limits cannot be enforced");
    }
    if (tools.root() && tools.setpriv() == null) {
      throw new PermanentJobException(
          ReasonCode.SANDBOX_UNAVAILABLE.code(),
          "the worker runs as root and setpriv (util-linux) is missing: "
              + "jobs would run as root");
    }
  }

  private void describe() {
    if (isolated()) {
      log.info(
          "process jobs run in bubblewrap ({}), {}; work directories under {}",
          tools.bwrap(),
          tools.canDropPrivileges()
              ? "each under a uid of its own"
              : "as the worker's user (not root: no uid switch)",
          workRoot);
    } else if (mode == SandboxMode.BUBBLEWRAP) {
      log.error(
          "runex.worker.sandbox is bubblewrap but bwrap is unavailable ({}): every process job will fail with {}",
          tools.bwrapProblem() == null ? "not installed" : tools.bwrapProblem(),
          ReasonCode.SANDBOX_UNAVAILABLE.code());
    } else {
      log.warn(
          "*** process jobs run WITHOUT a sandbox ({}): no PID, network or filesystem isolation; only rlimits, "
              + "a process group{} apply. Install bubblewrap (apt-get install bubblewrap). ***",
          mode == SandboxMode.NONE
              ? "runex.worker.sandbox is none"
              : "bwrap is " + (tools.bwrapProblem() == null ? "not installed" : "unusable"),
          tools.canDropPrivileges() ? " and a uid of their own" : "");
    }
    if (tools.time() == null) {
      log.warn(
          "GNU time is not installed (apt-get install time): process jobs' CPU time and peak memory are not measured");
    }
    if (!tools.root()) {
      log.warn(
          "the worker does not run as root: process jobs run as its own user, so limits.pids counts all of that user's processes");
    }
  }

  private static void deleteQuietly(AttemptDirectory dir) {
    try {
      dir.close();
    } catch (IOException e) {
      log.warn("could not delete the attempt directory {}: {}", dir.root(), e.toString());
    }
  }
}
