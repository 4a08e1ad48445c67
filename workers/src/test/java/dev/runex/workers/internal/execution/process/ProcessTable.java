package dev.runex.workers.internal.execution.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the host's process table (/proc), to prove a job left nothing behind. */
final class ProcessTable {
  private ProcessTable() {}

  /** Each such process's status and command line, to say what was left. */
  static String describe(String marker) {
    StringBuilder s = new StringBuilder();
    for (long pid : withMarker(marker)) {
      try {
        Path p = Path.of("/proc", Long.toString(pid));
        s.append(pid)
            .append(": ")
            .append(
                new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' '))
            .append(" | ")
            .append(Files.readString(p.resolve("status")).replace('\n', ' '))
            .append('\n');
      } catch (IOException e) {
        s.append(pid).append(": gone\n");
      }
    }
    return s.toString();
  }

  /** The largest resident set (bytes) among the live processes whose command line has marker. */
  static long largestResidentBytes(String marker) {
    long largest = 0;
    for (long pid : withMarker(marker)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            largest = Math.max(largest, kb * 1024);
          }
        }
      } catch (IOException | RuntimeException e) {
        // exited while we looked
      }
    }
    return largest;
  }

  /** Pids of live processes whose command line contains {@code marker}. */
  static List<Long> withMarker(String marker) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(
            Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          String cmdline =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          String state = Files.readString(p.resolve("stat"));
          boolean zombie = state.substring(state.lastIndexOf(')') + 2).startsWith("Z");
          if (cmdline.contains(marker) && !zombie) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | RuntimeException e) {
          // exited while we looked
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return pids;
  }
}
