package dev.runex.workers.internal.execution.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ExecutionLimits;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.internal.cleanup.AttemptDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's pure parts: the command it builds, GNU time's report, and the limit diagnosis. */
class SandboxPartsTest {
  private static final SandboxTools TOOLS =
      new SandboxTools(
          Path.of("/usr/bin/bwrap"),
          null,
          Path.of("/usr/bin/prlimit"),
          Path.of("/usr/bin/setpriv"),
          Path.of("/usr/bin/setsid"),
          Path.of("/usr/bin/time"),
          true);
  private static final ExecutionLimits LIMITS =
      new ExecutionLimits(
          128L << 20, Duration.ofMillis(1500), 8, 1L << 20, 1024, false, List.of("PATH"));

  @TempDir Path tmp;

  @Test
  void layersBubblewrapTimeRlimitsAndAnUnprivilegedUidAroundTheJobsArgv() throws IOException {
    try (AttemptDirectory dir = AttemptDirectory.create(tmp, "j/1", 2, -1)) {
      List<String> argv =
          SandboxCommand.build(
              TOOLS, true, dir, LIMITS, 1_000_042, List.of("/bin/prog", "; rm -rf /"));

      assertThat(argv.get(0)).isEqualTo("/usr/bin/bwrap");
      assertThat(argv)
          .contains(
              "--unshare-pid", "--unshare-net", "--die-with-parent", "--new-session", "--ro-bind");
      assertThat(argv)
          .containsSubsequence(
              "--bind",
              dir.work().toString(),
              dir.work().toString(),
              "--chdir",
              dir.work().toString());
      assertThat(argv)
          .containsSubsequence(
              "/usr/bin/prlimit",
              "--as=134217728",
              "--cpu=2:3",
              "--nproc=8",
              "--fsize=1048576",
              "--core=0",
              "--");
      assertThat(argv)
          .containsSubsequence(
              "/usr/bin/setpriv",
              "--reuid=1000042",
              "--regid=1000042",
              "--clear-groups",
              "--no-new-privs");
      assertThat(argv.subList(argv.size() - 2, argv.size()))
          .containsExactly("/bin/prog", "; rm -rf /");
      assertThat(dir.root().getFileName().toString()).startsWith("j_1-2-");
    }
  }

  @Test
  void withoutBubblewrapTheJobGetsASessionOfItsOwnAndNetworkIsNotUnshared() throws IOException {
    ExecutionLimits withNetwork =
        new ExecutionLimits(128L << 20, Duration.ofSeconds(1), 8, 1L << 20, 1024, true, List.of());
    try (AttemptDirectory dir = AttemptDirectory.create(tmp, "j", 1, -1)) {
      List<String> bare = SandboxCommand.build(TOOLS, false, dir, LIMITS, -1, List.of("/bin/prog"));
      List<String> networked =
          SandboxCommand.build(TOOLS, true, dir, withNetwork, -1, List.of("/bin/prog"));

      assertThat(bare.get(0)).isEqualTo("/usr/bin/setsid");
      assertThat(bare).doesNotContain("/usr/bin/bwrap", "/usr/bin/setpriv");
      assertThat(networked).doesNotContain("--unshare-net");
    }
  }

  @Test
  void readsGnuTimesReportOfAnExitAndOfASignal() throws IOException {
    Path exited =
        Files.writeString(
            tmp.resolve("a"),
            "Command exited with non-zero status 3\nrunex-usage 1.50 0.75 0.25 20480 3\n");
    Path signalled =
        Files.writeString(
            tmp.resolve("b"),
            "Command terminated by signal 24\nrunex-usage 2.02 2.00 0.01 8604 0\n");

    assertThat(RusageReport.read(exited)).isEqualTo(new RusageReport(1000, 20480L * 1024, null, 3));
    assertThat(RusageReport.read(signalled)).isEqualTo(new RusageReport(2010, 8604L * 1024, 24, 0));
    assertThat(RusageReport.read(tmp.resolve("missing"))).isNull();
  }

  @Test
  void diagnosesTheLimitFromSignalsCpuTimeAndWhatTheProgramSaid() {
    assertThat(LimitDiagnosis.diagnose(152, 24, 1500L, LIMITS, "", false))
        .isEqualTo(ReasonCode.CPU_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(137, 9, 1600L, LIMITS, "", false))
        .isEqualTo(ReasonCode.CPU_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(153, null, null, LIMITS, "", false))
        .isEqualTo(ReasonCode.FILE_SIZE_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(1, null, 10L, LIMITS, "Traceback...\nMemoryError\n", false))
        .isEqualTo(ReasonCode.MEMORY_LIMIT.code());
    assertThat(
            LimitDiagnosis.diagnose(
                1,
                null,
                10L,
                LIMITS,
                "BlockingIOError: [Errno 11] Resource temporarily unavailable",
                false))
        .isEqualTo(ReasonCode.PIDS_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(0, null, 10L, LIMITS, "MemoryError handled", true))
        .isEqualTo(ReasonCode.OUTPUT_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(0, null, 10L, LIMITS, "MemoryError handled", false))
        .as("exit 0 was not stopped")
        .isNull();
    assertThat(LimitDiagnosis.diagnose(2, null, 10L, LIMITS, "usage: prog [-h]", false)).isNull();
  }

  @Test
  void errnosThatOnlyStartLikeALimitsAreNotThatLimit() {
    // connection refused (111), timed out (110), no route (113): not EAGAIN (11) nor EFBIG (27)
    for (String err :
        new String[] {
          "ConnectionRefusedError: [Errno 111] Connection refused",
          "TimeoutError: [Errno 110] Connection timed out",
          "OSError: [Errno 113] No route to host",
          "OSError: [Errno 271] unknown"
        }) {
      assertThat(LimitDiagnosis.diagnose(1, null, 10L, LIMITS, err, false)).as(err).isNull();
    }
    assertThat(
            LimitDiagnosis.diagnose(1, null, 10L, LIMITS, "BlockingIOError: [Errno 11] x", false))
        .isEqualTo(ReasonCode.PIDS_LIMIT.code());
    assertThat(LimitDiagnosis.diagnose(1, null, 10L, LIMITS, "OSError: [Errno 27] x", false))
        .isEqualTo(ReasonCode.FILE_SIZE_LIMIT.code());
  }

  @Test
  void everyWorkerOfAJvmLeasesFromOneUidRange() {
    // two workers (pools) in one JVM each make their sandbox with forThisProcess()
    SandboxUids first = SandboxUids.forThisProcess();
    SandboxUids second = SandboxUids.forThisProcess();
    int a = first.lease();
    int b = second.lease();
    try {
      assertThat(a).isNotEqualTo(b);
    } finally {
      first.release(a);
      second.release(b);
    }
  }

  @Test
  void argvTextOfNumbersIsPlainAndOfAbsentValuesEmpty() {
    assertThat(ArgvTemplate.text(2.5)).isEqualTo("2.5");
    assertThat(ArgvTemplate.text(1e10)).isEqualTo("10000000000");
    assertThat(ArgvTemplate.text(42L)).isEqualTo("42");
    assertThat(ArgvTemplate.text(null)).isEmpty();
  }
}
