package dev.runex.workers.internal.execution.process;

import static dev.runex.workers.testing.HostRequirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.SandboxMode;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.internal.execution.process.SandboxRun.Ending;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits hold against real processes (Python 3 at /usr/bin/python3 and /bin/sh), inside
 * bubblewrap when this host has it. Every run's processes are looked for in the host's process
 * table afterwards.
 */
@Timeout(60)
class ProcessSandboxTest {
  static final String PYTHON = "/usr/bin/python3";
  private static final Duration GRACE = Duration.ofMillis(500);
  private static SandboxTools tools;

  @TempDir Path workRoot;
  private final String marker = "runex-test-" + UUID.randomUUID();

  @BeforeAll
  static void findTools() {
    tools = SandboxTools.detect();
    require(Files.isExecutable(Path.of(PYTHON)), PYTHON);
    require(tools.prlimit() != null, "prlimit (util-linux)");
  }

  private ProcessSandbox sandbox() {
    require(
        tools.bwrap() != null,
        "a working bubblewrap"
            + (tools.bwrapProblem() == null ? "" : " (" + tools.bwrapProblem() + ")"));
    return new ProcessSandbox(
        tools, SandboxMode.AUTO, workRoot, GRACE, SandboxUids.forThisProcess());
  }

  private SandboxRun python(
      ProcessSandbox sandbox, ExecutionLimits limits, Duration timeout, String code, String... args)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of(PYTHON, "-c", code, marker));
    argv.addAll(List.of(args));
    return run(sandbox, limits, timeout, argv);
  }

  private SandboxRun run(
      ProcessSandbox sandbox, ExecutionLimits limits, Duration timeout, List<String> argv)
      throws Exception {
    return sandbox.run(
        new ProcessSandbox.Request(
            "job-1",
            1,
            workdir -> argv,
            limits,
            Map.of("PATH", "/usr/bin:/bin"),
            Instant.now().plus(timeout)));
  }

  private static ExecutionLimits limits() {
    return ExecutionLimits.DEFAULT;
  }

  private static ExecutionLimits with(long memory, int pids, long output, boolean network) {
    ExecutionLimits d = ExecutionLimits.DEFAULT;
    return new ExecutionLimits(memory, d.cpu(), pids, d.fileSizeBytes(), output, network, d.env());
  }

  private static String stdout(SandboxRun run) {
    return new String(run.stdout(), StandardCharsets.UTF_8);
  }

  @Test
  void runsAJobAndReportsItsOutputExitCodeAndUsage() throws Exception {
    SandboxRun run =
        python(
            sandbox(),
            limits(),
            Duration.ofSeconds(30),
            "import sys; b = bytearray(48 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print('hello'); sys.exit(3)");

    assertThat(run.ending()).isEqualTo(Ending.EXITED);
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(stdout(run)).isEqualTo("hello\n");
    assertThat(run.limit()).isNull();
    assertThat(run.isolation()).isEqualTo(ProcessSandbox.BUBBLEWRAP);
    if (tools.time() != null) {
      assertThat(run.peakRssBytes()).isGreaterThan(48L * 1024 * 1024);
      assertThat(run.cpuMs()).isNotNull();
    }
  }

  @Test
  void aJobAllocatingPastItsMemoryLimitIsStoppedAndReportedAsSuch() throws Exception {
    SandboxRun run =
        python(
            sandbox(),
            with(64L << 20, 64, 1024, false),
            Duration.ofSeconds(30),
            "b = bytearray(256 * 1024 * 1024); print('allocated')");

    assertThat(run.exitCode()).isNotZero();
    assertThat(stdout(run)).doesNotContain("allocated");
    assertThat(run.limit()).isEqualTo(ReasonCode.MEMORY_LIMIT.code());
    assertThat(run.usage().getLimit()).isEqualTo(ReasonCode.MEMORY_LIMIT.code());
  }

  @Test
  void anEndlessLoopIgnoringSigtermEndsTimedOutWithinTimeoutPlusGraceAndLeavesNoProcess()
      throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    // a child that ignores SIGTERM (so only SIGKILL ends it) and a grandchild left behind in the
    // background
    String code =
        "import os, signal, subprocess, sys\n"
            + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            + "subprocess.Popen(['/bin/sleep', '1000', sys.argv[1]])\n"
            + "while True: pass\n";

    long start = System.nanoTime();
    SandboxRun run = python(sandbox(), limits(), timeout, code);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(run.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(run.limit()).isEqualTo(ReasonCode.TIMED_OUT.code());
    // the bound the sandbox promises, plus room for process start-up on a loaded machine
    assertThat(took).isLessThan(timeout.plus(GRACE).plus(Duration.ofSeconds(5)));
    assertThat(ProcessTable.withMarker(marker)).isEmpty();
  }

  @Test
  void aForkBombIsContainedByThePidsLimit() throws Exception {
    // forks until the kernel refuses, reports how many it got, and fails
    String code =
        "import os, sys, time\n"
            + "n = 0\n"
            + "try:\n"
            + "    while n < 1000:\n"
            + "        if os.fork() == 0:\n"
            + "            time.sleep(60); os._exit(0)\n"
            + "        n += 1\n"
            + "except OSError as e:\n"
            + "    print(n, flush=True); sys.stderr.write(str(e)); sys.exit(1)\n";

    SandboxRun run =
        python(sandbox(), with(256L << 20, 8, 1024, false), Duration.ofSeconds(30), code);

    assertThat(Integer.parseInt(stdout(run).trim())).isLessThan(8);
    assertThat(run.limit()).isEqualTo(ReasonCode.PIDS_LIMIT.code());
    assertThat(ProcessTable.withMarker(marker)).isEmpty();
  }

  @Test
  void aShellForkBombEndsWithNothingLeft() throws Exception {
    // the classic bomb: its shells hit the pids limit ("Cannot fork") and give up, or the deadline
    // stops them. The first shell stays two seconds (or until its own fork is refused): were it to
    // end as soon as it has started the bomb, the sandbox would end the rest, on a busy machine
    // before any fork was refused.
    SandboxRun run =
        run(
            sandbox(),
            with(256L << 20, 16, 1024, false),
            Duration.ofSeconds(10),
            List.of("/bin/sh", "-c", "b() { b | b & }; b; sleep 2", marker));

    assertThat(run.stderrTail()).containsIgnoringCase("fork");
    assertThat(ProcessTable.withMarker(marker)).isEmpty();
  }

  @Test
  void backgroundProcessesLeftByAJobThatExitsAreGoneWhenTheRunReturns() throws Exception {
    // the job exits at once and leaves background shells that hold none of its pipes, so only the
    // sandbox's own cleanup stands between them and the next step (bwrap's outer process exits
    // while its namespace is still ending)
    for (int i = 0; i < 10; i++) {
      SandboxRun run =
          run(
              sandbox(),
              limits(),
              Duration.ofSeconds(30),
              List.of(
                  "/bin/sh",
                  "-c",
                  "exec >/dev/null 2>&1; i=0; while [ $i -lt 20 ]; do (sleep 1000; :) & i=$((i+1)); done",
                  marker));

      assertThat(run.ending()).isEqualTo(Ending.EXITED);
      assertThat(ProcessTable.withMarker(marker)).as(ProcessTable.describe(marker)).isEmpty();
    }
  }

  @Test
  void aJobCannotConnectToALoopbackPortWhenNetworkIsOff() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String code =
          "import socket, sys\n"
              + "try:\n"
              + "    socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=3); print('connected')\n"
              + "except OSError as e:\n"
              + "    print('refused', e)\n";
      String port = Integer.toString(server.getLocalPort());

      SandboxRun off =
          python(sandbox(), with(256L << 20, 64, 1024, false), Duration.ofSeconds(30), code, port);
      SandboxRun on =
          python(sandbox(), with(256L << 20, 64, 1024, true), Duration.ofSeconds(30), code, port);

      assertThat(stdout(off)).startsWith("refused");
      assertThat(stdout(on))
          .startsWith("connected"); // the same job reaches it when the type allows network
    }
  }

  @Test
  void outputPastTheCapIsTruncatedAndFlagged() throws Exception {
    SandboxRun run =
        python(
            sandbox(),
            with(256L << 20, 64, 1000, false),
            Duration.ofSeconds(30),
            "import sys; sys.stdout.write('x' * 100000)");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).hasSize(1000);
    assertThat(run.stdoutBytes()).isEqualTo(100_000);
    assertThat(run.stdoutTruncated()).isTrue();
    assertThat(run.limit()).isEqualTo(ReasonCode.OUTPUT_LIMIT.code());
  }

  @Test
  void theWorkingDirectoryIsFreshWritableAndGoneAfterwards() throws Exception {
    SandboxRun run =
        python(
            sandbox(),
            limits(),
            Duration.ofSeconds(30),
            "import os; open('f', 'w').write('x'); os.mkdir('d'); os.chmod('d', 0); print(os.getcwd()); print(os.listdir('.'))");
    Path cwd = Path.of(stdout(run).lines().findFirst().orElseThrow());

    assertThat(run.exitCode()).isZero();
    assertThat(cwd.startsWith(workRoot)).isTrue();
    assertThat(stdout(run)).contains("'f'").contains("'d'");
    assertThat(cwd).doesNotExist();
    assertThat(cwd.getParent()).doesNotExist();
  }

  @Test
  void theHostIsReadOnlyAndTmpIsPrivate() throws Exception {
    Path hostTmpFile = Files.writeString(Files.createTempFile("runex-host", ".txt"), "host");
    Path hostVarTmp = Path.of("/var/tmp", marker);
    try {
      String code =
          "import sys\n"
              + "for path in sys.argv[2:]:\n"
              + "    try:\n"
              + "        open(path, 'w').write('job'); print('wrote', path)\n"
              + "    except OSError as e:\n"
              + "        print('denied', path)\n";

      SandboxRun run =
          python(
              sandbox(),
              limits(),
              Duration.ofSeconds(30),
              code,
              hostVarTmp.toString(),
              hostTmpFile.toString());

      assertThat(stdout(run)).contains("denied " + hostVarTmp);
      assertThat(hostVarTmp).doesNotExist();
      // /tmp is the job's own: what it wrote there never reached the host's /tmp
      assertThat(Files.readString(hostTmpFile)).isEqualTo("host");
    } finally {
      Files.deleteIfExists(hostTmpFile);
      Files.deleteIfExists(hostVarTmp);
    }
  }

  @Test
  void aJobWritingPastItsFileSizeLimitIsStopped() throws Exception {
    ExecutionLimits d = ExecutionLimits.DEFAULT;
    ExecutionLimits small =
        new ExecutionLimits(
            d.memoryBytes(), d.cpu(), d.pids(), 1L << 20, d.outputBytes(), false, d.env());

    SandboxRun run =
        python(
            sandbox(), small, Duration.ofSeconds(30), "open('big', 'wb').write(b'x' * (4 << 20))");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.limit()).isEqualTo(ReasonCode.FILE_SIZE_LIMIT.code());
  }

  @Test
  void aJobSpinningPastItsCpuLimitIsStopped() throws Exception {
    ExecutionLimits d = ExecutionLimits.DEFAULT;
    ExecutionLimits oneSecond =
        new ExecutionLimits(
            d.memoryBytes(),
            Duration.ofSeconds(1),
            d.pids(),
            d.fileSizeBytes(),
            d.outputBytes(),
            false,
            d.env());

    SandboxRun run = python(sandbox(), oneSecond, Duration.ofSeconds(30), "while True: pass");

    assertThat(run.ending()).isEqualTo(Ending.EXITED);
    assertThat(run.limit()).isEqualTo(ReasonCode.CPU_LIMIT.code());
  }

  @Test
  void withoutBubblewrapItStillEnforcesRlimitsAndEndsTheWholeProcessGroup() throws Exception {
    ProcessSandbox bare =
        new ProcessSandbox(
            tools.withoutBwrap(), SandboxMode.AUTO, workRoot, GRACE, SandboxUids.forThisProcess());
    String code =
        "import os, subprocess, sys\n"
            // a daemon (double fork): re-parented to init, no longer a descendant, still in the
            // process group
            + "subprocess.Popen([sys.executable, '-c', 'import os, time\\nif os.fork(): os._exit(0)\\ntime.sleep(1000)', sys.argv[1]])\n"
            + "while True: pass\n";

    SandboxRun run = python(bare, limits(), Duration.ofSeconds(1), code);
    SandboxRun memory =
        python(
            bare,
            with(64L << 20, 64, 1024, false),
            Duration.ofSeconds(30),
            "b = bytearray(256 << 20)");

    assertThat(run.ending()).isEqualTo(Ending.TIMED_OUT);
    assertThat(run.isolation()).isEqualTo(ProcessSandbox.RLIMITS_ONLY);
    assertThat(ProcessTable.withMarker(marker)).isEmpty();
    assertThat(memory.limit()).isEqualTo(ReasonCode.MEMORY_LIMIT.code());
  }

  @Test
  void requiredBubblewrapThatIsMissingFailsTheJobPermanently() {
    ProcessSandbox strict =
        new ProcessSandbox(
            tools.withoutBwrap(),
            SandboxMode.BUBBLEWRAP,
            workRoot,
            GRACE,
            SandboxUids.forThisProcess());

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> python(strict, limits(), Duration.ofSeconds(5), "print(1)"))
        .isInstanceOf(dev.runex.workers.handler.PermanentJobException.class)
        .hasMessageContaining("bwrap");
  }
}
