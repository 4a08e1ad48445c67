package dev.runex.bench.torture;

import dev.runex.bench.torture.SoakReadings.ClassBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each JVM's live heap, measured by a full collection: {@code jcmd <pid> GC.class_histogram}. The
 * heap after G1's young collections is no measure of it: old-generation garbage stays until a
 * concurrent cycle, which a heap far below its limit may not start for an hour, so that floor rises
 * on a flat live set. The histograms also say what grew: the first one after the warm-up and the
 * latest are kept per process ({@code <name>-first.txt}, {@code <name>-last.txt}) and compared
 * class by class at the end.
 */
final class LiveHeaps {
  private static final Logger log = LoggerFactory.getLogger(LiveHeaps.class);
  private static final long TIMEOUT_SECONDS = 60;

  private final Path dir;
  private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  private final Map<String, Map<String, ClassBytes>> first = new TreeMap<>();
  private final Map<String, Map<String, ClassBytes>> last = new TreeMap<>();

  LiveHeaps(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    if (!Files.isExecutable(jcmd)) {
      throw new IllegalStateException(
          "no jcmd at " + jcmd + ": the soak measures live heaps with it (run it on a JDK)");
    }
  }

  /**
   * Every process's live heap in MB ({@code live_heap_mb/<name>}); its histogram becomes the
   * process's first when {@code afterWarmup} and it has none yet. A process that does not answer
   * (restarting) is left out and logged.
   */
  Map<String, Double> take(Map<String, Long> pids, boolean afterWarmup) {
    Map<String, Double> v = new LinkedHashMap<>();
    pids.forEach(
        (name, pid) -> {
          try {
            String text = histogram(pid);
            long total = SoakReadings.histogramTotal(text);
            Map<String, ClassBytes> classes = SoakReadings.histogram(text);
            v.put("live_heap_mb/" + name, total / (1024.0 * 1024));
            last.put(name, classes);
            Files.writeString(dir.resolve(name + "-last.txt"), text);
            if (afterWarmup && !first.containsKey(name)) {
              first.put(name, classes);
              Files.writeString(dir.resolve(name + "-first.txt"), text);
            }
          } catch (IOException | RuntimeException e) {
            log.warn("soak sample: live heap of {} not read: {}", name, e.toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return v;
  }

  private String histogram(long pid) throws IOException, InterruptedException {
    // to a file, so that the timeout holds even when jcmd hangs without closing its output
    Path out = Files.createTempFile(dir, "jcmd-", ".txt");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
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

  /**
   * Per process with a first and a last histogram: the live heap's change and the {@code n} classes
   * that grew most between them.
   */
  List<String> report(int n) {
    List<String> lines = new ArrayList<>();
    first.forEach(
        (name, from) -> {
          Map<String, ClassBytes> to = last.get(name);
          long before = from.values().stream().mapToLong(ClassBytes::bytes).sum();
          long after = to.values().stream().mapToLong(ClassBytes::bytes).sum();
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      Locale.ROOT,
                      "%s: live heap %.1f -> %.1f MB; grew most:",
                      name,
                      before / (1024.0 * 1024),
                      after / (1024.0 * 1024)));
          List<ClassBytes> grown = SoakReadings.grownMost(from, to, n);
          if (grown.isEmpty()) {
            line.append(" nothing");
          }
          grown.forEach(
              c ->
                  line.append(
                      String.format(
                          Locale.ROOT,
                          " %s +%.2f MB (%+,d instances);",
                          c.className(),
                          c.bytes() / (1024.0 * 1024),
                          c.instances())));
          lines.add(line.toString());
        });
    return lines;
  }
}
