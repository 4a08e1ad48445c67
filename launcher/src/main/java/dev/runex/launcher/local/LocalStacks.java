package dev.runex.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stacks of one runex home, in its state folder ({@code <home>/.runex}): {@value
 * #LOCK_FILE} (held while a {@code runex local} runs, so only one runs per home), {@value
 * #PID_FILE} (that process's pid) and one data folder per run ({@code local-*}: the broker's and
 * the registry's data, the topology's state). A stack that stops normally removes all of it ({@link
 * #close}).
 *
 * <p>A stack killed without a chance to clean up (SIGKILL, a crash) leaves its data folder (a few
 * hundred MB after a busy run), its pid file and, still running, its broker and registry. Whoever
 * takes the lock next reclaims that ({@link #reclaimStale}): each server is stopped by the pid it
 * recorded, only after its command line proved it is that server (never by name), and the folder is
 * deleted. Nothing of a dead stack is reused: a fresh stack starts in a fresh folder.
 */
public final class LocalStacks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStacks.class);
  public static final String LOCK_FILE = "local.lock";
  public static final String PID_FILE = "local.pid";
  static final String DATA_PREFIX = "local-";
  private static final List<String> SERVER_DIRS = List.of("registry", "kafka");

  /** The outcome of {@link #acquire}: the lock, or the pid of the runex local that holds it. */
  public sealed interface Acquisition {
    /** This process now owns the state folder. */
    record Acquired(LocalStacks stacks) implements Acquisition {}

    /** Another {@code runex local} runs; its pid as it recorded it ("unknown" if unreadable). */
    record Busy(String holderPid) implements Acquisition {}
  }

  /** One stale stack that was reclaimed, for the user: its folder and the servers stopped. */
  public record Reclaimed(Path folder, List<String> stoppedServers) {}

  private final Path stateDir;
  private final FileChannel channel;
  private final FileLock lock;
  private final String previousPid;
  private Path dataDir;
  private boolean closed;

  private LocalStacks(Path stateDir, FileChannel channel, FileLock lock, String previousPid) {
    this.stateDir = stateDir;
    this.channel = channel;
    this.lock = lock;
    this.previousPid = previousPid;
  }

  /**
   * Takes the lock of {@code stateDir} (created if missing) and records this process's pid. The
   * lock file is deleted on {@link #close} while still held, so a rival that opened it just before
   * may lock a file that no longer is the lock: after locking, the path must still name the file
   * that was locked, else it tries again.
   */
  public static Acquisition acquire(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path lockPath = stateDir.resolve(LOCK_FILE);
    for (int attempt = 0; attempt < 10; attempt++) {
      FileChannel channel =
          FileChannel.open(
              lockPath,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
      Object before = fileKey(lockPath);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        channel.close();
        return new Acquisition.Busy(readPid(stateDir).orElse("unknown"));
      }
      Object after = fileKey(lockPath);
      if (before == null || !before.equals(after)) {
        lock.release();
        channel.close();
        continue;
      }
      String previous = readPid(stateDir).orElse(null);
      Files.writeString(
          stateDir.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()) + "\n");
      return new Acquisition.Acquired(new LocalStacks(stateDir, channel, lock, previous));
    }
    throw new IOException("cannot take the lock " + lockPath + ": it keeps being replaced");
  }

  /**
   * The pid of a {@code runex local} that held the lock before and did not stop cleanly (its pid
   * file was left behind), if any.
   */
  public Optional<String> previousPid() {
    return Optional.ofNullable(previousPid);
  }

  /**
   * Reclaims every data folder in the state folder other than this run's: stops the servers it
   * recorded that still run (by pid, after checking their command line) and deletes the folder.
   * Only the lock holder may call this: no other stack can be alive then.
   */
  public List<Reclaimed> reclaimStale() throws IOException {
    List<Reclaimed> reclaimed = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDir, DATA_PREFIX + "*")) {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir) || dir.equals(dataDir)) {
          continue;
        }
        List<String> stopped = new ArrayList<>();
        for (String server : SERVER_DIRS) {
          OptionalLong pid = ServerProcess.stopSurvivor(dir.resolve(server));
          if (pid.isPresent()) {
            stopped.add(server + " (pid " + pid.getAsLong() + ")");
          }
        }
        deleteTree(dir);
        log.info("Reclaimed {}: stopped {}", dir, stopped);
        reclaimed.add(new Reclaimed(dir, stopped));
      }
    }
    return reclaimed;
  }

  /** Creates this run's data folder ({@code local-<random>}); deleted again by {@link #close}. */
  public Path newDataDir() throws IOException {
    if (dataDir != null) {
      throw new IllegalStateException("this run already has its data folder " + dataDir);
    }
    dataDir = Files.createTempDirectory(stateDir, DATA_PREFIX);
    return dataDir;
  }

  public Path stateDir() {
    return stateDir;
  }

  /**
   * Deletes this run's data folder, then the pid file and the lock file (still holding the lock),
   * then releases the lock; the pid file and the lock go even when the folder cannot be deleted
   * (then the next start reclaims it). Idempotent.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (dataDir != null) {
        deleteTree(dataDir);
      }
    } finally {
      try {
        Files.deleteIfExists(stateDir.resolve(PID_FILE));
        Files.deleteIfExists(stateDir.resolve(LOCK_FILE));
      } finally {
        lock.release();
        channel.close();
      }
    }
  }

  private static Object fileKey(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Optional<String> readPid(Path stateDir) {
    try {
      String pid = Files.readString(stateDir.resolve(PID_FILE)).trim();
      return pid.isEmpty() ? Optional.empty() : Optional.of(pid);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes {@code dir} and everything below it; files that vanish meanwhile are no error, and a
   * few passes catch files a closing process still wrote while the first pass ran.
   */
  static void deleteTree(Path dir) throws IOException {
    List<Path> failed = List.of();
    for (int pass = 0; pass < 5 && Files.exists(dir); pass++) {
      if (pass > 0) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      failed = deletePass(dir);
    }
    if (Files.exists(dir)) {
      throw new IOException("could not delete " + dir + ": " + failed.stream().limit(5).toList());
    }
  }

  private static List<Path> deletePass(Path dir) throws IOException {
    List<Path> failed = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  failed.add(p);
                }
              });
    } catch (NoSuchFileException e) {
      return failed;
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
    return failed;
  }
}
