package dev.runex.launcher.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a test needs from the host (Python, prlimit, a working bubblewrap). Where it is missing the
 * test is skipped on a developer's machine, but it fails where every test is expected to run: in CI
 * ({@code CI=true}, which {@code .ci/run} sets) and on a host that has the sandbox tools {@code
 * .ci/sandbox-tools} installs (bubblewrap and GNU time). So a sandbox test never passes there by
 * not running.
 */
public final class HostRequirements {
  private HostRequirements() {}

  /** Skips (developer machine) or fails (CI, sandbox tools installed) unless {@code met}. */
  public static void require(boolean met, String what) {
    if (met) {
      return;
    }
    String strictBecause = strictBecause();
    if (strictBecause != null) {
      fail("this test needs " + what + ", and must run here: " + strictBecause);
    }
    assumeTrue(false, "needs " + what + " (skipped: not CI, and no sandbox tools installed)");
  }

  /** Whether every test must run on this host (CI, or the sandbox tools are installed). */
  public static boolean strict() {
    return strictBecause() != null;
  }

  /** Why every test must run on this host, or null when a missing tool may skip one. */
  static String strictBecause() {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      return "CI=true";
    }
    if (onPath("bwrap") && Files.isExecutable(Path.of("/usr/bin/time"))) {
      return "the sandbox tools (bubblewrap, GNU time) are installed";
    }
    return null;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    String dirs = "/usr/bin:/bin:/usr/sbin:/sbin" + (path == null ? "" : ":" + path);
    for (String dir : dirs.split(File.pathSeparator)) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
