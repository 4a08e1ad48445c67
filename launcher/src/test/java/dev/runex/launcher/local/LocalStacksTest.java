package dev.runex.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder of {@code runex local}: one stack per folder, files gone after a normal stop,
 * and a dead stack's leftovers reclaimed — its servers stopped only when their command line proves
 * they are its servers.
 */
class LocalStacksTest {
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopStrays() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void aSecondStackInTheSameFolderIsToldWhoHoldsTheLock() throws IOException {
    // given
    LocalStacks first = acquired(tmp);
    // when
    LocalStacks.Acquisition second = LocalStacks.acquire(tmp);
    // then
    assertThat(second)
        .isEqualTo(new LocalStacks.Acquisition.Busy(Long.toString(ProcessHandle.current().pid())));
    first.close();
  }

  @Test
  void aNormalStopLeavesNoDataFolderPidFileOrLock() throws IOException {
    // given
    LocalStacks stacks = acquired(tmp);
    Path data = stacks.newDataDir();
    Files.createDirectories(data.resolve("kafka/data"));
    Files.writeString(data.resolve("kafka/data/segment"), "x");
    // when
    stacks.close();
    // then
    try (var left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
    assertThat(LocalStacks.acquire(tmp)).isInstanceOf(LocalStacks.Acquisition.Acquired.class);
  }

  @Test
  void reclaimsTheFolderAndStopsTheSurvivingServersOfAStackThatWasKilled() throws Exception {
    // given: what a SIGKILLed runex local leaves: its pid file, its folder, its servers running
    Path dead = Files.createDirectories(tmp.resolve("local-123"));
    Files.writeString(tmp.resolve(LocalStacks.PID_FILE), "999999\n");
    Process broker = survivingServer(dead.resolve("kafka"));
    Process registry = survivingServer(dead.resolve("registry"));
    LocalStacks stacks = acquired(tmp);
    // when
    List<LocalStacks.Reclaimed> reclaimed = stacks.reclaimStale();
    // then
    assertThat(reclaimed)
        .containsExactly(
            new LocalStacks.Reclaimed(
                dead,
                List.of(
                    "registry (pid " + registry.pid() + ")", "kafka (pid " + broker.pid() + ")")));
    await().atMost(Duration.ofSeconds(10)).until(() -> !broker.isAlive() && !registry.isAlive());
    assertThat(dead).doesNotExist();
    assertThat(stacks.previousPid()).contains("999999");
    stacks.close();
  }

  @Test
  void leavesAloneAProcessThatReusedARecordedPid() throws Exception {
    // given: the recorded pid now belongs to a program that is not the stack's server
    Path dead = Files.createDirectories(tmp.resolve("local-456/kafka"));
    Process other = start(List.of("sleep", "600"));
    Files.writeString(dead.resolve(ServerProcess.PID_FILE), Long.toString(other.pid()));
    LocalStacks stacks = acquired(tmp);
    // when
    List<LocalStacks.Reclaimed> reclaimed = stacks.reclaimStale();
    // then
    assertThat(reclaimed).containsExactly(new LocalStacks.Reclaimed(dead.getParent(), List.of()));
    assertThat(other.isAlive()).isTrue();
    assertThat(dead.getParent()).doesNotExist();
    stacks.close();
  }

  @Test
  void neverReclaimsItsOwnDataFolder() throws IOException {
    // given
    LocalStacks stacks = acquired(tmp);
    Path mine = stacks.newDataDir();
    // when
    List<LocalStacks.Reclaimed> reclaimed = stacks.reclaimStale();
    // then
    assertThat(reclaimed).isEmpty();
    assertThat(mine).isDirectory();
    stacks.close();
  }

  /** A long-running process whose command line carries the server marker of {@code dir}. */
  private Process survivingServer(Path dir) throws IOException {
    Files.createDirectories(dir);
    // bash keeps its own command line (with the marker as $0) while it waits for sleep
    Process p = start(List.of("bash", "-c", "sleep 600; true", ServerProcess.marker(dir)));
    Files.writeString(dir.resolve(ServerProcess.PID_FILE), Long.toString(p.pid()));
    return p;
  }

  private Process start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  private static LocalStacks acquired(Path dir) throws IOException {
    LocalStacks.Acquisition a = LocalStacks.acquire(dir);
    assertThat(a).isInstanceOf(LocalStacks.Acquisition.Acquired.class);
    return ((LocalStacks.Acquisition.Acquired) a).stacks();
  }
}
