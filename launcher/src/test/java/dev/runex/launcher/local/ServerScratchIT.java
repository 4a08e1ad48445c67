package dev.runex.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server runex starts unpacks what it needs into its own emptied temporary folder, not the
 * machine's {@code /tmp}, where a killed server's files would stay: the schema registry (Quarkus,
 * Vert.x) unpacked a compression library and a file cache into {@code /tmp} at every start.
 */
class ServerScratchIT {
  @TempDir Path tmp;

  @Test
  @Timeout(180)
  void theRegistryUnpacksIntoItsOwnEmptiedTemporaryFolder() throws Exception {
    Path dir = tmp.resolve("registry");
    Path scratch = dir.resolve(ServerProcess.SCRATCH_DIR);
    Files.createDirectories(scratch);
    Files.writeString(scratch.resolve("left-by-a-killed-server"), "stale");
    Set<String> systemTmpBefore = names(Path.of(System.getProperty("java.io.tmpdir")));

    try (SchemaRegistryServer registry = SchemaRegistryServer.start(dir, 0)) {
      assertThat(ProcessHandle.of(registry.pid()).orElseThrow().info().arguments().orElseThrow())
          .contains("-Djava.io.tmpdir=" + scratch.toAbsolutePath().normalize());
      assertThat(scratch.resolve("left-by-a-killed-server")).doesNotExist();
      // what it unpacked is in its folder (the compression library, the Vert.x cache) ...
      assertThat(names(scratch)).isNotEmpty();
      // ... and nothing of its kind appeared in the machine's
      Set<String> added = names(Path.of(System.getProperty("java.io.tmpdir")));
      added.removeAll(systemTmpBefore);
      assertThat(added)
          .noneMatch(n -> n.startsWith("com_aayushatharva_brotli4j") || n.equals("vertx-cache"));
    }
  }

  private static Set<String> names(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return new HashSet<>(list.map(p -> p.getFileName().toString()).toList());
    }
  }
}
