package dev.runex.workers.internal.execution.process;

import dev.runex.config.ExecutionLimits;
import dev.runex.workers.internal.cleanup.AttemptDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the argv that runs a job's own argv under its limits. Layers, outermost first:
 *
 * <ol>
 *   <li>{@code bwrap}: new PID, IPC, UTS and (unless the type allows network) network namespaces, a
 *       read-only view of the host, fresh {@code /dev} and {@code /proc}, a private {@code /tmp} of
 *       at most {@code limits.fileSize}, only the attempt's directory writable, a new session, and
 *       death with the worker. Without bwrap: {@code setsid}, so the job's processes form a process
 *       group the worker can signal as one.
 *   <li>GNU {@code time} (when present): CPU time, peak RSS and how the job ended, written to the
 *       root-only {@code acct/} directory.
 *   <li>{@code prlimit}: RLIMIT_AS, RLIMIT_CPU (SIGXCPU at the limit, SIGKILL a second later),
 *       RLIMIT_NPROC, RLIMIT_FSIZE, no core dumps.
 *   <li>{@code setpriv} (as root): the job's own uid and gid, no supplementary groups, no
 *       capabilities, no-new-privs (setuid binaries gain nothing).
 * </ol>
 *
 * The job's argv is appended as separate entries: nothing is ever parsed by a shell.
 */
final class SandboxCommand {
  /** GNU time's report: elapsed, user, system seconds, max RSS in KB, exit status. */
  static final String TIME_FORMAT = "runex-usage %e %U %S %M %x";

  static final String USAGE_FILE = "usage";

  private SandboxCommand() {}

  /**
   * An argument of bubblewrap's command line that no other run's has: the attempt's working
   * directory. Its namespace's init keeps that command line, so the worker finds it by this after
   * bwrap's own process has exited ({@code ProcessTree}).
   */
  static String runArgument(AttemptDirectory dir) {
    return dir.work().toString();
  }

  static List<String> build(
      SandboxTools tools,
      boolean bubblewrap,
      AttemptDirectory dir,
      ExecutionLimits limits,
      int uid,
      List<String> jobArgv) {
    List<String> argv = new ArrayList<>();
    if (bubblewrap) {
      bubblewrap(argv, tools.bwrap(), dir, limits);
    } else if (tools.setsid() != null) {
      argv.add(tools.setsid().toString());
    }
    if (tools.time() != null) {
      argv.addAll(
          List.of(
              tools.time().toString(),
              "-f",
              TIME_FORMAT,
              "-o",
              dir.acct().resolve(USAGE_FILE).toString(),
              "--"));
    }
    long cpuSeconds = Math.max(1, (limits.cpu().toMillis() + 999) / 1000);
    argv.addAll(
        List.of(
            tools.prlimit().toString(),
            "--as=" + limits.memoryBytes(),
            "--cpu=" + cpuSeconds + ":" + (cpuSeconds + 1),
            "--nproc=" + limits.pids(),
            "--fsize=" + limits.fileSizeBytes(),
            "--core=0",
            "--"));
    if (uid >= 0) {
      argv.addAll(
          List.of(
              tools.setpriv().toString(),
              "--reuid=" + uid,
              "--regid=" + uid,
              "--clear-groups",
              "--no-new-privs",
              "--inh-caps=-all",
              "--bounding-set=-all",
              "--"));
    }
    argv.addAll(jobArgv);
    return argv;
  }

  private static void bubblewrap(
      List<String> argv, Path bwrap, AttemptDirectory dir, ExecutionLimits limits) {
    argv.addAll(List.of(bwrap.toString(), "--unshare-pid", "--unshare-ipc", "--unshare-uts"));
    if (!limits.network()) {
      argv.add("--unshare-net");
    }
    argv.addAll(
        List.of(
            "--die-with-parent",
            "--new-session",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            // a private /tmp: mounted before the binds, so the attempt directory (often under /tmp)
            // shows through
            "--perms",
            "1777",
            "--size",
            Long.toString(limits.fileSizeBytes()),
            "--tmpfs",
            "/tmp",
            "--bind",
            dir.work().toString(),
            dir.work().toString(),
            "--bind",
            dir.acct().toString(),
            dir.acct().toString(),
            "--chdir",
            runArgument(dir),
            "--"));
  }
}
