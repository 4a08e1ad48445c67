package dev.runex.workers.internal.execution.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The sandbox escape corpus: process jobs that each try to get out of the sandbox, what runex
 * reports for each (result status and reason code) and what stops it. {@link SandboxEscapeTest}
 * runs every one as a real process job through the executor and renders this list as the table in
 * {@code docs/sandbox-escapes.md}, so the page cannot drift from what was run.
 */
final class SandboxEscapes {
  static final String PY = ProcessSandboxTest.PYTHON;
  static final String SH = "/bin/sh";

  /**
   * Result status and reason code ({@code -} for none) the job must end with; {@code REFUSED /
   * CONFIG}: no job runs, the job type itself is refused when the configuration loads.
   */
  record Outcome(String status, String code) {
    static Outcome succeeded() {
      return new Outcome("SUCCEEDED", "-");
    }

    static Outcome failed(String code) {
      return new Outcome("FAILED", code);
    }

    @Override
    public String toString() {
      return code.equals("-") ? status : status + " / " + code;
    }
  }

  /**
   * One attempt.
   *
   * @param group what it goes after (files, network, processes, daemons, resources, parameters)
   * @param attempt what the job tries, for the table
   * @param command the job type's argv template ({@code {params.a}}, ... are the host facts the
   *     test passes: paths, ports, pids, a marker)
   * @param limits the job type's {@code limits} block as YAML flow, or empty
   * @param params what the job gets, from the host side
   * @param expected what runex reports
   * @param stops what stops it, for the table
   * @param check further checks on the host side after the run (nothing left, nothing written)
   */
  record Escape(
      String group,
      String attempt,
      List<String> command,
      String limits,
      Function<Host, Map<String, Object>> params,
      Outcome expected,
      String stops,
      BiConsumer<Host, Run> check) {}

  /** What the host side prepared for the attempts. */
  record Host(
      String marker,
      long jvmPid,
      int port,
      Path workRoot,
      Path homeSecret,
      Path tmpSecret,
      Path stateSecret) {}

  /**
   * How one attempt ended.
   *
   * @param stderr the failure's message, which ends with stderr's last lines (empty on success)
   */
  record Run(Outcome outcome, String output, String stderr, long outputBytes) {}

  private SandboxEscapes() {}

  private static List<String> py(String code) {
    return List.of(PY, "-c", code, "{params.a}", "{params.b}");
  }

  private static List<String> sh(String script) {
    return List.of(SH, "-c", script, "sh", "{params.a}", "{params.b}");
  }

  private static Map<String, Object> args(Object a) {
    return Map.of("a", a.toString());
  }

  private static final BiConsumer<Host, Run> NOTHING = (h, r) -> {};

  private static BiConsumer<Host, Run> stderrSays(String text) {
    return (h, r) -> assertThat(r.stderr()).contains(text);
  }

  /**
   * No process of the job survives it. Waits a moment for processes already dying: /proc can still
   * list one the kernel is ending as the run returns.
   */
  static final BiConsumer<Host, Run> NOTHING_LEFT =
      (h, r) ->
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () ->
                      assertThat(ProcessTable.withMarker(h.marker()))
                          .as(() -> "processes left: " + ProcessTable.describe(h.marker()))
                          .isEmpty());

  static List<Escape> all() {
    return List.of(
        new Escape(
            "files",
            "read `/etc/shadow`",
            py("print(open('/etc/shadow').read())"),
            "",
            h -> Map.of(),
            Outcome.failed("EXIT_1"),
            "the job runs under a uid of its own, without capabilities",
            stderrSays("PermissionError")),
        new Escape(
            "files",
            "write into `/etc`",
            py("import sys; open('/etc/runex-escape-' + sys.argv[1], 'w').write('x')"),
            "",
            h -> args(h.marker()),
            Outcome.failed("EXIT_1"),
            "the host is mounted read-only",
            (h, r) -> assertThat(Path.of("/etc/runex-escape-" + h.marker())).doesNotExist()),
        new Escape(
            "files",
            "read a file in the host's home",
            py("import sys; print(open(sys.argv[1]).read())"),
            "",
            h -> args(h.homeSecret()),
            Outcome.failed("EXIT_1"),
            "the home directory is not the job's (and is read-only)",
            stderrSays("PermissionError")),
        new Escape(
            "files",
            "write into the host's home",
            py(
                "import os, sys; open(os.path.join(os.path.dirname(sys.argv[1]), 'runex-escape-'"
                    + " + sys.argv[2]), 'w').write('x')"),
            "",
            h -> Map.of("a", h.homeSecret().toString(), "b", h.marker()),
            Outcome.failed("EXIT_1"),
            "read-only host, and not the job's directory",
            (h, r) ->
                assertThat(h.homeSecret().resolveSibling("runex-escape-" + h.marker()))
                    .doesNotExist()),
        new Escape(
            "files",
            "read a file in the host's `/tmp`",
            py("import sys; print(open(sys.argv[1]).read())"),
            "",
            h -> args(h.tmpSecret()),
            Outcome.failed("EXIT_1"),
            "`/tmp` is a private tmpfs: the host's is not there",
            stderrSays("FileNotFoundError")),
        new Escape(
            "files",
            "write into `/tmp` for the host or a later job",
            py("import sys; open('/tmp/runex-escape-' + sys.argv[1], 'w').write('x'); print('ok')"),
            "",
            h -> args(h.marker()),
            Outcome.succeeded(),
            "the write lands in the job's private `/tmp`, which goes with it",
            (h, r) -> assertThat(Path.of("/tmp/runex-escape-" + h.marker())).doesNotExist()),
        new Escape(
            "files",
            "read runex's state (`runex local`'s broker data under `.runex/local-*`)",
            py("import sys; print(open(sys.argv[1]).read())"),
            "",
            h -> args(h.stateSecret()),
            Outcome.failed("EXIT_1"),
            "the state directory is the runtime's own (mode 0700)",
            stderrSays("PermissionError")),
        new Escape(
            "files",
            "list the other jobs' working directories",
            py("import sys; print(__import__('os').listdir(sys.argv[1]))"),
            "",
            h -> args(h.workRoot()),
            Outcome.failed("EXIT_1"),
            "the work root may be crossed, not listed (mode 0711)",
            stderrSays("PermissionError")),
        new Escape(
            "network",
            "connect to a port the host listens on at 127.0.0.1 (network off)",
            py(
                "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])),"
                    + " timeout=3)"),
            "{network: false}",
            h -> args(h.port()),
            Outcome.failed("EXIT_1"),
            "an empty network namespace: its loopback is not the host's",
            stderrSays("ConnectionRefusedError")),
        new Escape(
            "network",
            "reach an outside address (network off)",
            py("import socket; socket.create_connection(('192.0.2.1', 80), timeout=3)"),
            "{network: false}",
            h -> Map.of(),
            Outcome.failed("EXIT_1"),
            "no route: the namespace has no interface but its own loopback",
            stderrSays("unreachable")),
        new Escape(
            "processes",
            "kill the worker (the test JVM) by its pid",
            py("import os, sys; os.kill(int(sys.argv[1]), 9)"),
            "",
            h -> args(h.jvmPid()),
            Outcome.failed("EXIT_1"),
            "a PID namespace of its own: the worker's pid is not there",
            stderrSays("ProcessLookupError")),
        new Escape(
            "processes",
            "find the worker in `/proc` and kill it",
            py(
                "import os\n"
                    + "procs = [p for p in os.listdir('/proc') if p.isdigit()]\n"
                    + "java = [p for p in procs if open('/proc/' + p + '/comm').read().strip() =="
                    + " 'java']\n"
                    + "os.kill(int(java[0]), 9)"),
            "",
            h -> Map.of(),
            Outcome.failed("EXIT_1"),
            "`/proc` shows only the job's own namespace",
            stderrSays("IndexError")),
        new Escape(
            "processes",
            "see the host's processes in `/proc`",
            py("import os; print(len([p for p in os.listdir('/proc') if p.isdigit()]))"),
            "",
            h -> Map.of(),
            Outcome.succeeded(),
            "it sees its own few processes only (the sandbox's init, GNU time, itself)",
            (h, r) ->
                assertThat(Integer.parseInt(r.output().trim()))
                    .as("processes visible in the sandbox")
                    .isLessThan(6)),
        new Escape(
            "processes",
            "signal every process it may (`kill(-1, SIGKILL)`)",
            py("import os; os.kill(-1, 9); print('sent')"),
            "",
            h -> Map.of(),
            Outcome.succeeded(),
            "only the job's own processes can be reached; the worker and other jobs are outside",
            NOTHING),
        new Escape(
            "daemons",
            "leave a daemon behind (double fork)",
            py(
                "import os, sys, time\n"
                    + "if os.fork() == 0:\n"
                    + "    os.setsid()\n"
                    + "    if os.fork() == 0:\n"
                    + "        os.execv(sys.executable, [sys.executable, '-c', 'import time;"
                    + " time.sleep(1000)', sys.argv[1]])\n"
                    + "    os._exit(0)\n"
                    + "print('detached')"),
            "",
            h -> args(h.marker()),
            Outcome.succeeded(),
            "the PID namespace ends with the job: its init takes every orphan with it",
            NOTHING_LEFT),
        new Escape(
            "daemons",
            "leave a daemon behind (`setsid ... &`)",
            sh(
                "setsid "
                    + PY
                    + " -c 'import time; time.sleep(1000)' \"$1\" >/dev/null 2>&1 & echo"
                    + " detached"),
            "",
            h -> args(h.marker()),
            Outcome.succeeded(),
            "as above: a new session does not leave the namespace",
            NOTHING_LEFT),
        new Escape(
            "daemons",
            "leave a daemon behind (`nohup ... &`, ignoring SIGHUP and SIGTERM)",
            sh(
                "trap '' TERM; nohup "
                    + PY
                    + " -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                    + " time.sleep(1000)' \"$1\" >/dev/null 2>&1 & echo detached"),
            "",
            h -> args(h.marker()),
            Outcome.succeeded(),
            "as above: SIGKILL, not SIGTERM, ends what is left",
            NOTHING_LEFT),
        new Escape(
            "resources",
            "exhaust memory (allocate 1 GB)",
            py("b = bytearray(1 << 30); print('allocated')"),
            "{memory: 64MB}",
            h -> Map.of(),
            Outcome.failed("MEMORY_LIMIT"),
            "RLIMIT_AS: the allocation is refused",
            NOTHING),
        new Escape(
            "resources",
            "exhaust pids (fork bomb)",
            py(
                "import os, time\n"
                    + "while True:\n"
                    + "    if os.fork() == 0:\n"
                    + "        time.sleep(60); os._exit(0)"),
            "{pids: 8}",
            h -> args(h.marker()),
            Outcome.failed("PIDS_LIMIT"),
            "RLIMIT_NPROC under the job's own uid: fork fails",
            NOTHING_LEFT),
        new Escape(
            "resources",
            "exhaust the disk with one big file",
            py("open('big', 'wb').write(b'x' * (8 << 20))"),
            "{fileSize: 1MB}",
            h -> Map.of(),
            Outcome.failed("FILE_SIZE_LIMIT"),
            "RLIMIT_FSIZE: SIGXFSZ at the limit",
            NOTHING),
        new Escape(
            "resources",
            "exhaust the disk with many small files in `/tmp`",
            py(
                "for i in range(64):\n"
                    + "    open('/tmp/f%d' % i, 'wb').write(b'x' * (512 << 10))\n"
                    + "print('filled')"),
            "{fileSize: 1MB}",
            h -> Map.of(),
            Outcome.failed("EXIT_1"),
            "`/tmp` is a tmpfs of `limits.fileSize`: no space left",
            stderrSays("No space left")),
        new Escape(
            "resources",
            "exhaust the worker with output (100 MB on stdout)",
            py("import sys\n" + "for i in range(100):\n" + "    sys.stdout.write('x' * (1 << 20))"),
            "{output: 1KB}",
            h -> Map.of(),
            new Outcome("SUCCEEDED", "OUTPUT_LIMIT"),
            "only `limits.output` is kept; the rest is counted and dropped",
            (h, r) -> {
              assertThat(r.output()).hasSize(1024);
              assertThat(r.outputBytes()).isEqualTo(100L << 20);
            }),
        new Escape(
            "resources",
            "exhaust the worker with error output (100 MB on stderr)",
            py("import sys\n" + "for i in range(100):\n" + "    sys.stderr.write('x' * (1 << 20))"),
            "",
            h -> Map.of(),
            Outcome.succeeded(),
            "only the last 8 KB of stderr are kept",
            NOTHING),
        new Escape(
            "resources",
            "spin the CPU forever",
            py("while True: pass"),
            "{cpu: 1s}",
            h -> Map.of(),
            Outcome.failed("CPU_LIMIT"),
            "RLIMIT_CPU: SIGXCPU, then SIGKILL",
            NOTHING),
        new Escape(
            "parameters",
            "smuggle shell syntax through parameters (`; rm -rf`, `$(...)`, backticks, newlines)",
            List.of(
                SH,
                "-c",
                "for a; do printf '[%s]\\n' \"$a\"; done; ls -A",
                "sh",
                "{params.a}",
                "{params.b}",
                "{params.c}",
                "{params.d}"),
            "",
            h ->
                Map.of(
                    "a", "x; rm -rf \"$HOME\"; touch pwned1",
                    "b", "$(touch pwned2)",
                    "c", "`touch pwned3`",
                    "d", "line\ntouch pwned4"),
            Outcome.succeeded(),
            "each parameter is one argv entry, never parsed by a shell",
            (h, r) ->
                assertThat(r.output())
                    .isEqualTo(
                        "[x; rm -rf \"$HOME\"; touch pwned1]\n[$(touch pwned2)]\n"
                            + "[`touch pwned3`]\n[line\ntouch pwned4]\n")),
        new Escape(
            "parameters",
            "a job type that splices a parameter into the script it runs (`sh -c 'echo"
                + " {params.a}'`)",
            List.of(SH, "-c", "echo {params.a}; ls -A"),
            "",
            h -> Map.of("a", "x; touch pwned"),
            new Outcome("REFUSED", "CONFIG"),
            "the configuration is refused when it loads: a request's value may only be an argv"
                + " entry of its own",
            NOTHING));
  }
}
