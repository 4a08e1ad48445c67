package dev.runex.workers.internal.execution.process;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.ConfigException;
import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.SandboxMode;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptTimedOutException;
import dev.runex.workers.internal.execution.process.SandboxEscapes.Escape;
import dev.runex.workers.internal.execution.process.SandboxEscapes.Host;
import dev.runex.workers.internal.execution.process.SandboxEscapes.Outcome;
import dev.runex.workers.internal.execution.process.SandboxEscapes.Run;
import dev.runex.workers.testing.CiRequirement;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every attempt of the escape corpus ({@link SandboxEscapes}) as a real process job through the
 * {@link ProcessExecutor} and the bubblewrap sandbox, with the outcome runex reports checked, and
 * the host checked afterwards; and the table in {@code docs/sandbox-escapes.md} checked against the
 * corpus. On CI the sandbox's tools must be there (the test fails without them).
 */
@Timeout(120)
class SandboxEscapeTest {
  static final Path DOC =
      Path.of(System.getProperty("runex.home", "..")).resolve("docs/sandbox-escapes.md");
  static final String BEGIN = "<!-- BEGIN GENERATED escapes (SandboxEscapeTest) -->";
  static final String END = "<!-- END GENERATED escapes -->";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SandboxTools tools;
  private static ServerSocket server;
  private static Host host;
  private static Path scratch;

  @BeforeAll
  static void prepareHost() throws IOException {
    tools = SandboxTools.detect();
    CiRequirement.require(Files.isExecutable(Path.of(SandboxEscapes.PY)), SandboxEscapes.PY);
    CiRequirement.require(tools.prlimit() != null, "prlimit (util-linux)");
    CiRequirement.require(
        tools.bwrap() != null, "a working bubblewrap (apt-get install bubblewrap)");
    CiRequirement.require(tools.time() != null, "GNU time (apt-get install time)");
    CiRequirement.require(tools.canDropPrivileges(), "root and setpriv (a uid per job)");
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(1);
    String marker = "runex-escape-" + UUID.randomUUID();
    // outside /tmp on purpose: inside the sandbox /tmp is private, so this is the harder case
    scratch = Files.createDirectories(Path.of("/var/tmp", marker));
    Path workRoot = scratch.resolve("jobs");
    // as `runex local` keeps its broker's data: a 0700 temporary directory under .runex
    Path state =
        Files.createTempDirectory(Files.createDirectories(scratch.resolve(".runex")), "local-");
    Path stateSecret =
        Files.writeString(
            Files.createDirectories(state.resolve("kafka")).resolve("meta.properties"),
            "cluster.id=secret\n");
    Path homeSecret =
        Files.writeString(
            Path.of(System.getProperty("user.home")).resolve(marker + ".txt"), "home secret");
    Path tmpSecret = Files.writeString(Path.of("/tmp", marker + ".txt"), "tmp secret");
    host =
        new Host(
            marker,
            ProcessHandle.current().pid(),
            server.getLocalPort(),
            workRoot,
            homeSecret,
            tmpSecret,
            stateSecret);
  }

  @AfterAll
  static void cleanHost() throws IOException {
    if (server != null) {
      server.close();
    }
    if (host != null) {
      Files.deleteIfExists(host.homeSecret());
      Files.deleteIfExists(host.tmpSecret());
    }
    if (scratch != null) {
      try (Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyEscapeAttemptFailsWithItsDocumentedOutcome() {
    return SandboxEscapes.all().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.group() + ": " + e.attempt(),
                    () -> {
                      Run run = run(e, e.params().apply(host), Duration.ofSeconds(60), null);

                      assertThat(run.outcome()).as(describe(run)).isEqualTo(e.expected());
                      e.check().accept(host, run);
                      SandboxEscapes.NOTHING_LEFT.accept(host, run);
                      assertNoConnectionReachedTheHost();
                    }));
  }

  @Test
  void aJobCannotReadAnotherJobsFilesWhileBothRun() throws Exception {
    // given: job A writes a file in its working directory and stays
    String markerA = host.marker() + "-a";
    Escape a =
        escape(
            List.of(
                SandboxEscapes.PY,
                "-c",
                "import time; open('secret', 'w').write('A'); time.sleep(1000)",
                "{params.a}"));
    CompletableFuture<Run> runA = new CompletableFuture<>();
    Thread threadA =
        new Thread(
            () -> {
              try {
                runA.complete(run(a, Map.of("a", markerA), Duration.ofSeconds(90), "job-a"));
              } catch (Throwable t) {
                runA.completeExceptionally(t);
              }
            });
    threadA.start();
    Path secretA =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> fileOf("job-a", "secret"), Optional::isPresent)
            .orElseThrow();

    // when: job B, beside it, reads it
    Run b = run(OTHER_JOB, Map.of("a", secretA.toString()), Duration.ofSeconds(60), "job-b");
    threadA.interrupt();

    // then
    assertThat(b.outcome()).as(describe(b)).isEqualTo(OTHER_JOB.expected());
    assertThat(b.stderr()).contains("PermissionError");
    assertThat(runA.get(30, TimeUnit.SECONDS).outcome().status()).isEqualTo("CANCELLED");
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessTable.withMarker(markerA).isEmpty());
  }

  /** Job B of {@link #aJobCannotReadAnotherJobsFilesWhileBothRun}: also a row of the table. */
  static final Escape OTHER_JOB =
      new Escape(
          "files",
          "read another job's files while both run",
          List.of(
              SandboxEscapes.PY, "-c", "import sys; print(open(sys.argv[1]).read())", "{params.a}"),
          "",
          h -> Map.of(),
          Outcome.failed("EXIT_1"),
          "each job runs under a uid of its own, in a 0700 working directory",
          (h, r) -> {});

  @Test
  void theDocumentedTableIsTheCorpus() throws IOException {
    String text = Files.readString(DOC);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertThat(b).as(DOC + " marker " + BEGIN).isGreaterThanOrEqualTo(0);
    assertThat(e).as(DOC + " marker " + END).isGreaterThan(b);

    assertThat(text.substring(b + BEGIN.length(), e).strip())
        .as("docs/sandbox-escapes.md must show the corpus this test runs")
        .isEqualTo(table().strip());
  }

  /** The corpus as a Markdown table. */
  static String table() {
    List<Escape> rows = new ArrayList<>(SandboxEscapes.all());
    rows.add(8, OTHER_JOB);
    StringBuilder s = new StringBuilder();
    s.append("| # | what | attempt | outcome (status / reason code) | what stops it |\n");
    s.append("|---|---|---|---|---|\n");
    int n = 1;
    for (Escape r : rows) {
      s.append("| ")
          .append(n++)
          .append(" | ")
          .append(r.group())
          .append(" | ")
          .append(r.attempt())
          .append(" | `")
          .append(r.expected())
          .append("` | ")
          .append(r.stops())
          .append(" |\n");
    }
    return s.toString();
  }

  private Run run(Escape e, Map<String, Object> params, Duration timeout, String jobId)
      throws Exception {
    JobTypeSpec type;
    try {
      type = type(e);
    } catch (ConfigException refused) {
      return new Run(new Outcome("REFUSED", "CONFIG"), "", refused.getMessage(), 0);
    }
    ProcessExecutor executor =
        new ProcessExecutor(
            type,
            new ProcessSandbox(
                tools,
                SandboxMode.BUBBLEWRAP,
                host.workRoot(),
                Duration.ofMillis(300),
                SandboxUids.forThisProcess()),
            Map.of("PATH", "/usr/bin:/bin"));
    Instant now = Instant.now();
    AttemptContext ctx =
        new AttemptContext(
            job(jobId == null ? "escape" : jobId, "escape", params), "w1", now, now.plus(timeout));
    Outcome outcome;
    String output = "";
    String failure = "";
    try {
      output = executor.run(ctx);
      String limit = ctx.usage().getLimit();
      outcome = new Outcome("SUCCEEDED", limit == null ? "-" : limit);
    } catch (PermanentJobException p) {
      outcome = Outcome.failed(p.code());
      failure = p.getMessage(); // ends with stderr's last lines
    } catch (RetryableJobException r) {
      outcome = Outcome.failed(r.code());
      failure = r.getMessage();
    } catch (AttemptTimedOutException t) {
      outcome = new Outcome("TIMED_OUT", "TIMEOUT");
    } catch (InterruptedException i) {
      outcome = new Outcome("CANCELLED", "-");
    }
    return new Run(
        outcome, output, failure, ctx.usage() == null ? 0 : ctx.usage().getOutputBytes());
  }

  private static JobTypeSpec type(Escape e) throws JsonProcessingException {
    String yaml =
        "runex:\n  jobTypes:\n    escape:\n      executor: process\n      tenants: [demo]\n"
            + "      params: {a: string, b: string, c: string, d: string}\n"
            + "      process:\n        command: "
            + JSON.writeValueAsString(e.command())
            + "\n"
            + (e.limits().isEmpty() ? "" : "      limits: " + e.limits() + "\n");
    return ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobType("escape");
  }

  private static Escape escape(List<String> command) {
    return new Escape("", "", command, "", h -> Map.of(), Outcome.succeeded(), "", (h, r) -> {});
  }

  private static Optional<Path> fileOf(String jobId, String name) throws IOException {
    if (!Files.isDirectory(host.workRoot())) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(host.workRoot())) {
      return dirs.filter(d -> d.getFileName().toString().startsWith(jobId + "-"))
          .map(d -> d.resolve("work").resolve(name))
          .filter(Files::exists)
          .findFirst();
    }
  }

  private static void assertNoConnectionReachedTheHost() throws IOException {
    try {
      server.accept().close();
      throw new AssertionError("a job connected to the host's port " + server.getLocalPort());
    } catch (SocketTimeoutException expected) {
      // nobody came
    }
  }

  private static String describe(Run r) {
    return "outcome "
        + r.outcome()
        + ", stdout: "
        + abbreviate(r.output())
        + ", stderr: "
        + abbreviate(r.stderr());
  }

  private static String abbreviate(String s) {
    return s.length() > 600 ? s.substring(0, 600) + "..." : s;
  }
}
