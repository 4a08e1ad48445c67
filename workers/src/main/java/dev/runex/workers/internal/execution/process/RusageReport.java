package dev.runex.workers.internal.execution.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GNU time's report on the job ({@link SandboxCommand#TIME_FORMAT}): CPU time and peak RSS from
 * getrusage over the job and every descendant it waited for, and whether a signal ended it.
 *
 * @param cpuMs user + system CPU time
 * @param peakRssBytes largest resident set of any one of its processes
 * @param signal the signal that ended the job's main process, or null
 * @param exitStatus its exit status (0 when a signal ended it)
 */
record RusageReport(long cpuMs, long peakRssBytes, Integer signal, int exitStatus) {
  private static final Pattern SIGNALED = Pattern.compile("Command terminated by signal (\\d+)");

  /**
   * The report in {@code file}, or null when there is none (no GNU time, or the job never started).
   */
  static RusageReport read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
    Integer signal = null;
    for (String line : lines) {
      Matcher m = SIGNALED.matcher(line);
      if (m.find()) {
        signal = Integer.parseInt(m.group(1));
      }
      if (line.startsWith("runex-usage ")) {
        String[] f = line.trim().split("\\s+");
        try {
          long cpuMs = Math.round((Double.parseDouble(f[2]) + Double.parseDouble(f[3])) * 1000);
          return new RusageReport(
              cpuMs, Long.parseLong(f[4]) * 1024, signal, Integer.parseInt(f[5]));
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }
}
