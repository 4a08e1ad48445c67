package dev.runex.bench.torture;

import dev.runex.bench.torture.SoakReadings.ClassBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
  private final Path dir;
  private final Jcmd jcmd;
  private final Map<String, Map<String, ClassBytes>> first = new TreeMap<>();
  private final Map<String, Map<String, ClassBytes>> last = new TreeMap<>();

  LiveHeaps(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.jcmd = new Jcmd(this.dir);
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
            String text = jcmd.run(pid, "GC.class_histogram");
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
