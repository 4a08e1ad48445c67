package dev.runex.topology.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.NativeLibraryLoader;

/**
 * Where this process unpacks RocksDB's native library (~15 MB). Left to itself, RocksDB unpacks it
 * from its jar at its first use in a JVM into {@code java.io.tmpdir}, under a new name every time,
 * and deletes it only when the JVM exits normally: a process killed with SIGKILL leaves its copy in
 * the machine's temporary folder for good. A process that owns a folder it cleans up after a crash
 * too (the local stack's data folder) unpacks it there instead, before any store opens; RocksDB's
 * own loading then finds the library loaded and unpacks nothing.
 */
public final class RocksDbLibrary {
  private RocksDbLibrary() {}

  /**
   * Unpacks the library into {@code dir} (created if missing) and loads it, unless this JVM has
   * loaded it already.
   */
  public static void loadFrom(Path dir) {
    try {
      Files.createDirectories(dir);
      NativeLibraryLoader.getInstance().loadLibrary(dir.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack RocksDB's native library into " + dir, e);
    }
  }
}
