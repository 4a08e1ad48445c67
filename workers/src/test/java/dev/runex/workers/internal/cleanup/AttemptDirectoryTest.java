package dev.runex.workers.internal.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptDirectoryTest {
  @TempDir Path tmp;

  @Test
  void theAttemptDirectoryIsDeletedWhateverTheJobLeftInIt() throws IOException {
    // given: the job made a directory of its own unreadable and put a file in it
    AttemptDirectory dir = AttemptDirectory.create(tmp, "j", 1, -1);
    Path locked = Files.createDirectories(dir.work().resolve("a/b"));
    Files.writeString(locked.resolve("f"), "x");
    locked.toFile().setReadable(false);
    locked.toFile().setExecutable(false);

    // when
    dir.close();

    // then
    assertThat(dir.root()).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void eachAttemptGetsAFreshPrivateWorkingDirectoryNamedAfterIt() throws IOException {
    // when
    try (AttemptDirectory first = AttemptDirectory.create(tmp, "../etc/j 1", 2, -1);
        AttemptDirectory second = AttemptDirectory.create(tmp, "../etc/j 1", 2, -1)) {

      // then: the job id cannot leave the parent, and a rerun of the attempt never shares one
      assertThat(first.root().getParent()).isEqualTo(tmp);
      assertThat(first.root().getFileName().toString()).startsWith("_.._etc_j_1-2-");
      assertThat(first.root()).isNotEqualTo(second.root());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.work())))
          .isEqualTo("rwx------");
      assertThat(first.acct()).isDirectory();
    }
  }

  @Test
  void closingTwiceOrAfterTheDirectoryWentIsHarmless() throws IOException {
    // given
    AttemptDirectory dir = AttemptDirectory.create(tmp, "j", 1, -1);
    dir.close();

    // when / then
    dir.close();
    assertThat(dir.root()).doesNotExist();
  }

  @Test
  void aWorkerDeletesWhatAPreviousWorkerOfItsNameLeftAndNothingElse() throws Exception {
    AttemptDirectory mine = AttemptDirectory.create(tmp, "default.w1", "j", 1, -1);
    Files.writeString(mine.work().resolve("out.txt"), "left by a killed worker");
    AttemptDirectory other = AttemptDirectory.create(tmp, "default.w1.b", "j", 1, -1);
    AttemptDirectory anonymous = AttemptDirectory.create(tmp, "j", 1, -1);

    assertThat(AttemptDirectory.removeLeftovers(tmp, "default.w1")).isEqualTo(1);

    assertThat(mine.root()).doesNotExist();
    assertThat(other.root()).isDirectory();
    assertThat(anonymous.root()).isDirectory();
    assertThat(AttemptDirectory.removeLeftovers(tmp.resolve("absent"), "default.w1")).isZero();
  }

  @Test
  void aDefaultIdWorkerAlsoDeletesWhatDeadDefaultIdWorkersOfItsPoolOnThisHostLeft()
      throws Exception {
    long me = ProcessHandle.current().pid();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long dead = gone.pid();
    long alive = ProcessHandle.current().parent().orElseThrow().pid();
    AttemptDirectory ofDead = AttemptDirectory.create(tmp, "default.host-" + dead, "j", 1, -1);
    AttemptDirectory ofAlive = AttemptDirectory.create(tmp, "default.host-" + alive, "j", 1, -1);
    AttemptDirectory otherPool = AttemptDirectory.create(tmp, "gpu.host-" + dead, "j", 1, -1);
    AttemptDirectory named = AttemptDirectory.create(tmp, "default.host-x", "j", 1, -1);

    assertThat(AttemptDirectory.removeLeftovers(tmp, "default.host-" + me)).isEqualTo(1);

    assertThat(ofDead.root()).doesNotExist();
    assertThat(ofAlive.root()).isDirectory();
    assertThat(otherPool.root()).isDirectory();
    assertThat(named.root()).isDirectory();
    // a worker with an explicit id sweeps only its own name
    assertThat(AttemptDirectory.removeLeftovers(tmp, "default.w1")).isZero();
  }
}
