package dev.runex.workers.internal.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ending a job's processes, on real processes of this machine. */
class ProcessTreeTest {
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void terminateEndsTheJobAndEveryProcessItStarted() throws IOException {
    // given: a job with two children
    process = new ProcessBuilder("sh", "-c", "sleep 60 & sleep 60 & wait").start();
    ProcessTree tree = new ProcessTree(process, false, Set.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> tree.members().size() == 2);
    Set<ProcessHandle> children = tree.members();

    // when
    tree.terminate(Duration.ofSeconds(5));

    // then
    assertThat(process.isAlive()).isFalse();
    // a killed child is gone once its new parent has reaped it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(tree.members()).isEmpty();
  }

  @Test
  void aJobIgnoringSigtermIsKilledAfterTheGrace() throws IOException {
    // given: a shell that ignores SIGTERM, and a child that does too
    process =
        new ProcessBuilder("sh", "-c", "trap '' TERM; sh -c \"trap '' TERM; sleep 60\" & wait")
            .start();
    ProcessTree tree = new ProcessTree(process, false, Set.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> !tree.members().isEmpty());

    // when
    long start = System.nanoTime();
    tree.terminate(Duration.ofMillis(300));

    // then: still ended, once the grace was over
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(process.isAlive()).isFalse();
    assertThat(tree.members()).isEmpty();
  }

  @Test
  void killAllEndsEveryProcessAtOnceWithoutAGrace() throws IOException {
    // given: a job that would ignore SIGTERM
    process = new ProcessBuilder("sh", "-c", "trap '' TERM; sleep 60 & wait").start();
    ProcessTree tree = new ProcessTree(process, false, Set.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> !tree.members().isEmpty());
    Set<ProcessHandle> children = tree.members();

    // when
    tree.killAll();

    // then
    assertThat(process.isAlive()).isFalse();
    // a killed child is gone once its new parent has reaped it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
  }
}
