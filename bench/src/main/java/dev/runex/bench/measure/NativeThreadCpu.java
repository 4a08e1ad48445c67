package dev.runex.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a process's threads that run no Java code, by kind: the JVM's JIT compilers, its
 * garbage collector, RocksDB's flush and compaction threads. Java's thread MXBean does not see
 * them; Linux names every thread in {@code /proc/<pid>/task/<tid>/stat}. Empty where there is no
 * {@code /proc} (then the report shows their sum only).
 *
 * @param byKind kind → CPU time of its threads alive when read
 */
public record NativeThreadCpu(Map<String, Duration> byKind) {
  /** HotSpot's C1 and C2 compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}). */
  public static final String COMPILER = "JIT compiler";

  /**
   * G1's parallel, concurrent and refinement threads ({@code GC Thread#n}, {@code G1 Conc#n},
   * {@code G1 Refine#n}, {@code G1 Main Marker}, {@code G1 Service}) and the VM thread, which runs
   * the collector's safepoint operations.
   */
  public static final String COLLECTOR = "garbage collector";

  /** RocksDB's background flush and compaction threads ({@code rocksdb:low}, {@code :high}). */
  public static final String ROCKSDB = "RocksDB";

  /** The kernel's clock ticks per second in {@code stat} ({@code USER_HZ}: 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  public NativeThreadCpu {
    byKind = Map.copyOf(byKind);
  }

  /** Nothing known. */
  public static NativeThreadCpu none() {
    return new NativeThreadCpu(Map.of());
  }

  /** The threads of process {@code pid} now; empty when {@code /proc} cannot tell. */
  public static NativeThreadCpu of(long pid) {
    Map<String, Duration> kinds = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> addThread(kinds, task.resolve("stat")));
    } catch (IOException | RuntimeException e) {
      return none(); // no /proc, or the process is gone
    }
    return new NativeThreadCpu(kinds);
  }

  private static void addThread(Map<String, Duration> kinds, Path stat) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return; // the thread ended since the folder was listed
    }
    ThreadStat parsed = parse(line);
    if (parsed == null) {
      return;
    }
    String kind = kindOf(parsed.name());
    if (kind != null) {
      kinds.merge(kind, parsed.cpu(), Duration::plus);
    }
  }

  /** One thread's name and CPU time (user + system) from its {@code stat} line. */
  record ThreadStat(String name, Duration cpu) {}

  /**
   * Parses a {@code stat} line: {@code tid (name) state ppid ...}, where the name may hold spaces
   * and parentheses, so it ends at the last {@code ')'}; utime and stime are the 14th and 15th
   * fields. Null when the line is not of that form.
   */
  static ThreadStat parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open || close + 2 > line.length()) {
      return null;
    }
    String[] rest = line.substring(close + 2).trim().split(" ");
    if (rest.length < 13) {
      return null;
    }
    try {
      long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
      return new ThreadStat(
          line.substring(open + 1, close), Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The kind of a thread by its name (at most 15 characters on Linux); null for any other. */
  static String kindOf(String name) {
    if (name.contains("CompilerThre")) {
      return COMPILER;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return COLLECTOR;
    }
    if (name.startsWith("rocksdb:")) {
      return ROCKSDB;
    }
    return null;
  }

  /** CPU time of {@code kind}'s threads; zero when it has none. */
  public Duration get(String kind) {
    return byKind.getOrDefault(kind, Duration.ZERO);
  }

  /** Whether anything was read (false where there is no {@code /proc}). */
  public boolean known() {
    return !byKind.isEmpty();
  }

  /** Both processes' threads together. */
  public NativeThreadCpu plus(NativeThreadCpu other) {
    Map<String, Duration> sum = new TreeMap<>(byKind);
    other.byKind.forEach((kind, cpu) -> sum.merge(kind, cpu, Duration::plus));
    return new NativeThreadCpu(sum);
  }

  /**
   * What was used since {@code earlier}, by kind. A thread that ended in between takes its CPU with
   * it, so a kind never goes below zero here.
   */
  public NativeThreadCpu since(NativeThreadCpu earlier) {
    Map<String, Duration> used = new TreeMap<>();
    byKind.forEach(
        (kind, cpu) -> {
          Duration d = cpu.minus(earlier.get(kind));
          used.put(kind, d.isNegative() ? Duration.ZERO : d);
        });
    return new NativeThreadCpu(used);
  }
}
