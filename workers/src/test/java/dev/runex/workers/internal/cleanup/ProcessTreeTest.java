package dev.runex.workers.internal.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ending a job's processes, on real processes of this machine. */
class ProcessTreeTest {
  private final String sandboxArgument = "runex-sandbox-" + UUID.randomUUID();
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    ProcessTree.withArgument(sandboxArgument).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void terminateEndsTheJobAndEveryProcessItStarted() throws IOException {
    // given: a job with two children
    process = new ProcessBuilder("sh", "-c", "sleep 60 & sleep 60 & wait").start();
    ProcessTree tree = new ProcessTree(process, false, Set.of(), null);
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
    ProcessTree tree = new ProcessTree(process, false, Set.of(), null);
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
    ProcessTree tree = new ProcessTree(process, false, Set.of(), null);
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

  @Test
  void killAllEndsTheProcessesCarryingTheSandboxArgumentAfterTheStartedProcessHasExited()
      throws Exception {
    // given: as with bwrap's outer process, the started process has exited while a process of the
    // run lives on outside its descendants (here an orphaned subshell, which keeps the shell's
    // command line and with it the run's argument)
    process =
        new ProcessBuilder("sh", "-c", "(sleep 60; :) >/dev/null 2>&1 & exit 0", sandboxArgument)
            .start();
    assertThat(process.waitFor()).isZero();
    ProcessTree tree = new ProcessTree(process, false, Set.of(), sandboxArgument);
    assertThat(tree.members()).isEmpty();
    // the subshell alone, once its child has replaced the shell's command line by sleep's (until
    // that exec, the forked child carries the argument too)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessTree.withArgument(sandboxArgument).size() == 1);

    // when
    tree.killAll();

    // then: gone as killAll returns, not a moment later
    assertThat(ProcessTree.withArgument(sandboxArgument)).isEmpty();
  }

  @Test
  void killAllEndsTheSandboxInitFoundWhileTheJobRanAfterTheStartedProcessHasExited()
      throws Exception {
    // given: the started process's first child outlives it and carries nothing of the run on its
    // command line (as bwrap's namespace init once it is exiting)
    process = new ProcessBuilder("sh", "-c", "(exec sleep 60) & sleep 0.5").start();
    ProcessTree tree = new ProcessTree(process, false, Set.of(), sandboxArgument);
    tree.findSandboxInit(Duration.ofSeconds(5));
    ProcessHandle init = process.toHandle().children().findFirst().orElseThrow();
    assertThat(process.waitFor()).isZero();
    assertThat(ProcessTree.withArgument(sandboxArgument)).isEmpty();
    assertThat(init.isAlive()).isTrue();

    // when
    tree.killAll();

    // then: ended by the time killAll returns (a zombie at most, until its new parent reaps it)
    assertThat(endedOrZombie(init)).isTrue();
  }

  @Test
  void onlyAWholeArgumentCounts() throws Exception {
    process =
        new ProcessBuilder("sh", "-c", "(sleep 60; :) >/dev/null 2>&1 & exit 0", sandboxArgument)
            .start();
    process.waitFor();

    assertThat(ProcessTree.withArgument(sandboxArgument.substring(1))).isEmpty();
    // the subshell (its forked child carries the argument too until it execs sleep)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessTree.withArgument(sandboxArgument).size() == 1);
  }

  private static boolean endedOrZombie(ProcessHandle h) {
    try {
      return !h.isAlive()
          || Files.readString(Path.of("/proc/" + h.pid() + "/stat")).contains(") Z ");
    } catch (IOException e) {
      return true; // gone meanwhile
    }
  }
}
