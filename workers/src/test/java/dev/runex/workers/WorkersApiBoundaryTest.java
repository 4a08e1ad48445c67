package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker's public surface is two packages: {@code dev.runex.workers} (run a worker: {@link
 * JobWorker}, {@link HandlerRegistry}; follow the control topic as workers do: {@link ControlView})
 * and {@code dev.runex.workers.handler} (write a handler). Everything else lives under {@code
 * dev.runex.workers.internal}.
 */
class WorkersApiBoundaryTest {
  private static final Path ROOT = Path.of("src/main/java/dev/runex/workers");

  @Test
  void everyOtherPackageIsUnderInternal() throws IOException {
    // when
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.walk(ROOT)) {
      dirs.filter(Files::isDirectory)
          .filter(WorkersApiBoundaryTest::holdsJava)
          .map(d -> ROOT.relativize(d).toString().replace('/', '.'))
          .forEach(packages::add);
    }

    // then
    assertThat(packages).contains("", "handler", "internal.execution");
    assertThat(packages)
        .allMatch(p -> p.isEmpty() || p.equals("handler") || p.startsWith("internal"), "public");
  }

  @Test
  void theRootPackageShowsOnlyWhatRunsAWorker() throws IOException {
    // when: the top-level types declared public in dev.runex.workers
    Set<String> publicTypes = new TreeSet<>();
    try (Stream<Path> files = Files.list(ROOT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(f);
        if (lines.stream()
            .anyMatch(
                l -> l.matches("public (final |abstract )?(class|record|interface|enum) .*"))) {
          publicTypes.add(f.getFileName().toString().replace(".java", ""));
        }
      }
    }

    // then
    assertThat(publicTypes).containsExactly("ControlView", "HandlerRegistry", "JobWorker");
  }

  private static boolean holdsJava(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
