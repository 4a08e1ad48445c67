package dev.runex.workers.internal.cleanup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The fresh directory of one process attempt: {@code work/} (the job's working directory, owned by
 * the job's uid, mode 0700, the only host path it may write) and {@code acct/} (root-only: GNU
 * time's report, which the job can neither read nor forge). Cleanup: the process sandbox deletes
 * both, with whatever the job left in them (also directories it made unreadable), by {@link
 * #close()} as soon as the attempt's processes are gone — after success, failure, timeout or
 * cancellation alike.
 */
public final class AttemptDirectory implements AutoCloseable {
  private final Path root;
  private final Path work;
  private final Path acct;

  private AttemptDirectory(Path root) {
    this.root = root;
    this.work = root.resolve("work");
    this.acct = root.resolve("acct");
  }

  /**
   * Creates {@code <parent>/<job>-<attempt>-<random>/{work,acct}}; {@code uid} owns work (-1: leave
   * it to us).
   */
  public static AttemptDirectory create(Path parent, String jobId, int attempt, int uid)
      throws IOException {
    return create(parent, null, jobId, attempt, uid);
  }

  /**
   * As {@link #create(Path, String, int, int)}, the directory's name starting with {@code owner}
   * (the worker it belongs to; null for none), so {@link #removeLeftovers} can find what a worker
   * that died left behind.
   */
  public static AttemptDirectory create(
      Path parent, String owner, String jobId, int attempt, int uid) throws IOException {
    Files.createDirectories(parent);
    // others may traverse (each job reaches its own work dir) but not list: jobs cannot see each
    // other
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
    String name =
        (owner == null ? "" : ownerPrefix(owner))
            + safe(jobId)
            + "-"
            + attempt
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    AttemptDirectory dir = new AttemptDirectory(parent.resolve(name));
    try {
      Files.createDirectory(
          dir.root,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      Files.createDirectory(
          dir.work,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectory(
          dir.acct,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (uid >= 0) {
        Files.setAttribute(dir.work, "unix:uid", uid);
        Files.setAttribute(dir.work, "unix:gid", uid);
      }
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
    return dir;
  }

  public Path root() {
    return root;
  }

  public Path work() {
    return work;
  }

  public Path acct() {
    return acct;
  }

  /** Deletes everything under the attempt's directory (as the worker, so the job's files too). */
  @Override
  public void close() throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            // a job may have made its own directories unreadable: give them back before walking in
            dir.toFile().setReadable(true, true);
            dir.toFile().setWritable(true, true);
            dir.toFile().setExecutable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Deletes the attempt directories under {@code parent} that {@code owner} made and left: a worker
   * killed while a process job ran cannot delete that job's directory, so the next worker of the
   * same id does it when it starts. A worker with the default id (host and process id, new after
   * every restart) also deletes those of earlier default-id workers of its pool on this host whose
   * process no longer runs. Others' directories (another worker's, with another owner, or of a
   * process still running) are left alone.
   *
   * @return how many were deleted
   */
  public static int removeLeftovers(Path parent, String owner) throws IOException {
    if (!Files.isDirectory(parent)) {
      return 0;
    }
    String prefix = ownerPrefix(owner);
    String deadStem = defaultIdStem(owner);
    int removed = 0;
    try (var children = Files.list(parent)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
            && (name.startsWith(prefix) || ofDeadProcess(name, deadStem))) {
          new AttemptDirectory(child).close();
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * The name stem ({@code <pool>.<host>-}) shared by default-id workers of this pool on this host,
   * when {@code owner} is such a worker (its id ends in this process's id); null otherwise.
   */
  private static String defaultIdStem(String owner) {
    String pidSuffix = "-" + ProcessHandle.current().pid();
    return owner.endsWith(pidSuffix)
        ? safe(owner.substring(0, owner.length() - pidSuffix.length())) + "-"
        : null;
  }

  /** Whether {@code name} is an attempt of a default-id worker whose process is gone. */
  private static boolean ofDeadProcess(String name, String stem) {
    if (stem == null || !name.startsWith(stem)) {
      return false;
    }
    int plus = name.indexOf('+', stem.length());
    if (plus <= stem.length()) {
      return false;
    }
    String pid = name.substring(stem.length(), plus);
    if (!pid.chars().allMatch(Character::isDigit) || pid.length() > 18) {
      return false;
    }
    return ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true);
  }

  /** "+" never occurs in {@link #safe} names, so one owner's prefix is never another's. */
  private static String ownerPrefix(String owner) {
    return safe(owner) + "+";
  }

  /** A directory-name-safe form of a job id (ids are user input). */
  static String safe(String jobId) {
    String s = jobId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (s.startsWith(".")) {
      s = "_" + s;
    }
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
