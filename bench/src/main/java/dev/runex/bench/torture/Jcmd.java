package dev.runex.bench.torture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code jcmd}, run against one JVM with a time limit. */
final class Jcmd {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  private final Path scratch;

  /** {@code scratch}: where the command's output is written before it is read. */
  Jcmd(Path scratch) {
    this.scratch = scratch;
    if (!Files.isExecutable(jcmd)) {
      throw new IllegalStateException(
          "no jcmd at " + jcmd + ": the soak reads every JVM with it (run it on a JDK)");
    }
  }

  /**
   * The output of {@code jcmd <pid> <command...>}.
   *
   * @throws IOException when jcmd fails, exits non-zero or runs past the time limit
   */
  String run(long pid, String... command) throws IOException, InterruptedException {
    // to a file, so that the timeout holds even when jcmd hangs without closing its output
    Path out = Files.createTempFile(scratch, "jcmd-", ".txt");
    try {
      List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
      args.addAll(List.of(command));
      Process p =
          new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("jcmd " + pid + " did not end in " + TIMEOUT_SECONDS + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(
            "jcmd " + pid + " exited with " + p.exitValue() + ": " + text.strip());
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
