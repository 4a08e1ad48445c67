package dev.runex.workers.internal.execution.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host programs the process sandbox is built from, found once per worker: {@code bwrap}
 * (bubblewrap: namespaces, read-only host), {@code prlimit} and {@code setpriv} (util-linux:
 * rlimits, dropping to an unprivileged uid), {@code setsid} (a process group of its own without
 * bwrap) and GNU {@code time} (CPU time and peak memory from getrusage). bwrap counts as present
 * only when a trial sandbox actually starts (containers often forbid namespaces).
 *
 * @param bwrap bubblewrap, or null when missing or unusable
 * @param bwrapProblem why bwrap is unusable (null when usable or simply not installed)
 * @param prlimit prlimit, or null
 * @param setpriv setpriv, or null
 * @param setsid setsid, or null
 * @param time GNU time, or null (then no CPU time or peak memory is measured)
 * @param root whether the worker runs as root (then jobs run under uids of their own)
 */
public record SandboxTools(
    Path bwrap,
    String bwrapProblem,
    Path prlimit,
    Path setpriv,
    Path setsid,
    Path time,
    boolean root) {
  private static final Logger log = LoggerFactory.getLogger(SandboxTools.class);
  private static final List<String> SYSTEM_DIRS =
      List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin");

  /** Looks the tools up on this host (and tries bwrap once). */
  public static SandboxTools detect() {
    boolean root = "0".equals(uid());
    Path bwrap = find("bwrap");
    String problem = bwrap == null ? null : trial(bwrap);
    if (problem != null) {
      log.warn("bubblewrap at {} cannot create a sandbox here: {}", bwrap, problem);
    }
    return new SandboxTools(
        problem == null ? bwrap : null,
        problem,
        find("prlimit"),
        find("setpriv"),
        find("setsid"),
        find("time"),
        root);
  }

  /** Without bubblewrap (tests of the fallback path, hosts without it). */
  public SandboxTools withoutBwrap() {
    return new SandboxTools(null, "disabled", prlimit, setpriv, setsid, time, root);
  }

  /** Whether jobs can be made to run as an unprivileged uid of their own. */
  public boolean canDropPrivileges() {
    return root && setpriv != null;
  }

  static Path find(String program) {
    List<String> dirs = new ArrayList<>(SYSTEM_DIRS);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    for (String dir : dirs) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Starts the smallest sandbox the executor uses; null when it works, else what went wrong. */
  private static String trial(Path bwrap) {
    List<String> argv =
        List.of(
            bwrap.toString(),
            "--unshare-pid",
            "--unshare-net",
            "--die-with-parent",
            "--new-session",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--perms",
            "1777",
            "--size",
            "1048576",
            "--tmpfs",
            "/tmp",
            "--",
            "/bin/true");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "a trial sandbox did not finish within 20 s";
      }
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while trying it";
    }
  }

  private static String uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[1]; // effective uid
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no uid switching
    }
    return "?";
  }
}
