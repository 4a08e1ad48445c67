package dev.runex.launcher.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM's own {@code java.io.tmpdir}, inside a folder runex owns, emptied at every start.
 * What a JVM unpacks into its temporary folder is otherwise left in the machine's {@code /tmp}
 * whenever it does not exit normally (a SIGKILL in a fault test, a killed runex): RocksDB's native
 * library (~15 MB a copy) in every runex JVM, and the schema registry's compression libraries and
 * Vert.x cache at each of its starts.
 */
final class ScratchDir {
  private ScratchDir() {}

  /**
   * Empties (or creates) {@code dir} and returns {@code command} with {@code
   * -Djava.io.tmpdir=<dir>} after its first element, the java executable.
   */
  static List<String> use(Path dir, List<String> command) {
    Path scratch = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(scratch)) {
        LocalStacks.deleteTree(scratch);
      }
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new LocalInfraException(
          "cannot prepare the temporary folder " + scratch + ": " + e.getMessage(), e);
    }
    List<String> withScratch = new ArrayList<>(command);
    withScratch.add(1, "-Djava.io.tmpdir=" + scratch);
    return withScratch;
  }
}
