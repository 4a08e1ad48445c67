package dev.runex.bench.torture;

import dev.runex.bench.torture.SoakReadings.NativeCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What grew in each JVM's memory outside the Java heap, by the JVM's own native memory tracking
 * ({@code -XX:NativeMemoryTracking=summary}, which bench/run.sh sets for every JVM of the soak): a
 * baseline after the warm-up ({@code jcmd <pid> VM.native_memory baseline}) and, before the stack
 * stops, the change since then per category (code cache, metaspace, threads, GC structures,
 * internal buffers...), kept as {@code <name>-diff.txt}. Memory the JVM does not allocate itself
 * (RocksDB's, a library's own {@code malloc}) is not tracked: it is the rise in resident memory
 * that no category explains.
 */
final class NativeMemory {
  private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);

  private final Path dir;
  private final Jcmd jcmd;
  private final Map<String, Long> baselined = new TreeMap<>();
  private final Map<String, Long> unanswered = new TreeMap<>();

  NativeMemory(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.jcmd = new Jcmd(this.dir);
  }

  /**
   * Takes the baseline of every process that has none yet (or was restarted since its baseline). A
   * process without tracking or not answering is tried again at the next call, and logged once.
   */
  void baseline(Map<String, Long> pids) {
    pids.forEach(
        (name, pid) -> {
          if (pid.equals(baselined.get(name))) {
            return;
          }
          try {
            String text = jcmd.run(pid, "VM.native_memory", "baseline");
            if (!text.contains("Baseline taken")) {
              throw new IOException(text.strip());
            }
            baselined.put(name, pid);
          } catch (IOException | RuntimeException e) {
            // said once per process: one without tracking would say it at every sample
            if (!pid.equals(unanswered.put(name, pid))) {
              log.warn(
                  "soak: no native memory baseline of {} (tried again at each sample): {}",
                  name,
                  e.toString());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /**
   * Per process still running since its baseline: the change of committed native memory and the
   * {@code n} categories that grew most. Call it while the processes run.
   */
  List<String> report(Map<String, Long> pids, int n) {
    List<String> lines = new ArrayList<>();
    baselined.forEach(
        (name, pid) -> {
          if (!pid.equals(pids.get(name))) {
            lines.add(name + ": restarted since its native memory baseline");
            return;
          }
          try {
            String text = jcmd.run(pid, "VM.native_memory", "summary.diff", "scale=KB");
            Files.writeString(dir.resolve(name + "-diff.txt"), text);
            lines.add(line(name, SoakReadings.nativeMemoryDiff(text), n));
          } catch (IOException | RuntimeException e) {
            lines.add(name + ": native memory not read: " + e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return lines;
  }

  /** {@code broker: native committed +12.3 MB since the baseline; grew most: Code +8.1 MB; ...}. */
  static String line(String name, List<NativeCategory> categories, int n) {
    // the Java heap is measured apart (live heap, heap after GC): the rest is what lies outside it
    List<NativeCategory> outside =
        categories.stream().filter(c -> !c.name().equals("Java Heap")).toList();
    long total = outside.stream().mapToLong(NativeCategory::changeKb).sum();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: committed outside the heap %+.1f MB since the baseline; grew most:",
                name,
                total / 1024.0));
    List<NativeCategory> grown = outside.stream().filter(c -> c.changeKb() > 0).limit(n).toList();
    if (grown.isEmpty()) {
      line.append(" nothing");
    }
    grown.forEach(
        c ->
            line.append(
                String.format(
                    Locale.ROOT,
                    " %s %+.1f MB (now %.1f MB);",
                    c.name(),
                    c.changeKb() / 1024.0,
                    c.committedKb() / 1024.0)));
    return line.toString();
  }
}
