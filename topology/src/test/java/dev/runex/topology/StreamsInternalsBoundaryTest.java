package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams' internals change without notice between versions: runex uses them in one package
 * only, {@code dev.runex.topology.status.writeback}, which says why and pins the version.
 */
class StreamsInternalsBoundaryTest {
  private static final Pattern INTERNALS =
      Pattern.compile("^import (static )?org\\.apache\\.kafka\\.streams\\.[\\w.]*internals\\.");
  private static final String ALLOWED = "dev/runex/topology/status/writeback/";

  @Test
  void onlyTheWriteBackPackageImportsKafkaStreamsInternals() throws IOException {
    // given: every module's main sources (the build runs tests from the module's directory)
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> sources;
    try (Stream<Path> modules = Files.list(root)) {
      sources =
          modules
              .map(m -> m.resolve("src/main/java"))
              .filter(Files::isDirectory)
              .flatMap(StreamsInternalsBoundaryTest::javaFiles)
              .toList();
    }

    // when
    List<String> offenders =
        sources.stream()
            .filter(p -> !p.toString().replace('\\', '/').contains(ALLOWED))
            .filter(StreamsInternalsBoundaryTest::importsInternals)
            .map(p -> root.relativize(p).toString())
            .toList();

    // then
    assertThat(sources).as("main sources found under %s", root).hasSizeGreaterThan(100);
    assertThat(offenders).isEmpty();
  }

  private static Stream<Path> javaFiles(Path dir) {
    try {
      return Files.walk(dir).filter(p -> p.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean importsInternals(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.anyMatch(l -> INTERNALS.matcher(l).find());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
