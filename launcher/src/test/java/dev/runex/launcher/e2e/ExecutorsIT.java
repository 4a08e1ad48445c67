package dev.runex.launcher.e2e;

import static dev.runex.launcher.it.HostRequirements.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.HostRequirements;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process and http job types through the real broker and registry: requests carry parameters only,
 * the worker runs the type's command in the sandbox or calls the type's endpoint, and each job gets
 * one result with its resource usage and the limit that stopped it.
 */
class ExecutorsIT {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys",
          "mode, text = sys.argv[1], sys.argv[2]",
          "if mode == 'print': print(text)",
          "elif mode == 'tempfail': sys.exit(75)",
          "elif mode == 'fail': sys.stderr.write('bad input'); sys.exit(2)",
          "elif mode == 'hog': b = bytearray(512 << 20)",
          "elif mode == 'spin':",
          "    while True: pass");

  @TempDir Path workDir;

  @Test
  @Timeout(300)
  void processAndHttpJobsEachGetOneResultWithUsageAndTheLimitThatStoppedThem() throws Exception {
    require(Files.isExecutable(Path.of(PYTHON)), PYTHON);
    String marker = "runex-it-" + UUID.randomUUID();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    HttpServer service = service(calls);
    try {
      RunexConfig cfg = config(service.getAddress().getPort(), marker);
      try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
          ResultCollector collector = new ResultCollector(cfg, runtime.topics);
          IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
        runtime.startWorker(HandlerRegistry.withBuiltins());

        submit(intake, "p-print", "py", "{\"mode\":\"print\",\"text\":\"; rm -rf / $(reboot)\"}");
        submit(intake, "p-tempfail", "py", "{\"mode\":\"tempfail\",\"text\":\"\"}");
        submit(intake, "p-fail", "py", "{\"mode\":\"fail\",\"text\":\"\"}");
        submit(intake, "p-hog", "py", "{\"mode\":\"hog\",\"text\":\"\"}");
        submit(intake, "p-spin", "py", "{\"mode\":\"spin\",\"text\":\"\"}");
        intake.json(
            "p-small",
            "{\"type\":\"py\",\"tenant\":\"demo\",\"params\":{\"mode\":\"hog\",\"text\":\"\"},"
                + "\"limits\":{\"memory\":\"2GB\"}}");
        submit(intake, "h-ok", "remote", "{\"id\":\"ok\"}");
        submit(intake, "h-flaky", "remote", "{\"id\":\"flaky\"}");
        submit(intake, "h-bad", "remote", "{\"id\":\"bad\"}");
        intake.flush();

        await()
            .atMost(Duration.ofSeconds(180))
            .until(
                () ->
                    collector
                        .results
                        .keySet()
                        .containsAll(
                            List.of(
                                "p-print",
                                "p-tempfail",
                                "p-fail",
                                "p-hog",
                                "p-spin",
                                "p-small",
                                "h-ok",
                                "h-flaky",
                                "h-bad")));

        JobResult print = collector.only("p-print");
        assertThat(print.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(print.getOutput()).isEqualTo("; rm -rf / $(reboot)\n");
        assertThat(print.getUsage().getExitCode()).isZero();
        assertThat(print.getUsage().getWallMs()).isPositive();
        assertThat(print.getUsage().getIsolation())
            .isIn(
                HostRequirements.strict()
                    ? List.of("bubblewrap")
                    : List.of("bubblewrap", "rlimits-only"));

        JobResult tempfail = collector.only("p-tempfail");
        assertThat(tempfail.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(tempfail.getAttempts()).as("exit 75 is retryable").isEqualTo(2);
        assertThat(tempfail.getError().getCode()).isEqualTo("EXIT_75");

        JobResult fail = collector.only("p-fail");
        assertThat(fail.getAttempts()).as("other exits are permanent").isEqualTo(1);
        assertThat(fail.getError().getMessage()).contains("bad input");

        JobResult hog = collector.only("p-hog");
        assertThat(hog.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(hog.getError().getCode()).isEqualTo("MEMORY_LIMIT");
        assertThat(hog.getUsage().getLimit()).isEqualTo("MEMORY_LIMIT");

        JobResult spin = collector.only("p-spin");
        assertThat(spin.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(spin.getUsage().getLimit()).isEqualTo("TIMED_OUT");
        assertThat(processesWithMarker(marker)).as("nothing of the jobs is left running").isEmpty();
        assertThat(workDir).isEmptyDirectory();

        assertThat(collector.only("p-small").getStatus())
            .as("a request above its type's limits is refused")
            .isEqualTo(JobStatus.REJECTED);
        assertThat(collector.only("p-small").getError().getCode()).isEqualTo("LIMIT_TOO_HIGH");

        JobResult ok = collector.only("h-ok");
        assertThat(ok.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ok.getOutput()).isEqualTo("{\"item\":\"ok\",\"key\":\"h-ok:1\"}");
        assertThat(ok.getUsage().getHttpStatus()).isEqualTo(200);

        JobResult flaky = collector.only("h-flaky");
        assertThat(flaky.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(flaky.getAttempts()).as("503 is retried").isEqualTo(2);
        assertThat(collector.events.get("h-flaky"))
            .extracting(e -> e.getKind())
            .contains(JobEventKind.RETRY_SCHEDULED);

        JobResult bad = collector.only("h-bad");
        assertThat(bad.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(bad.getAttempts()).as("400 is permanent").isEqualTo(1);
        assertThat(bad.getError().getCode()).isEqualTo("HTTP_400");
      }
    } finally {
      service.stop(0);
    }
  }

  private RunexConfig config(int port, String marker) {
    RunexConfig base = RealKafka.config(Map.of("runex.worker.workDir", workDir.toString()));
    String yaml =
        """
        runex:
          jobTypes:
            py:
              executor: process
              tenants: [demo]
              params: {mode: {type: string, required: true}, text: string}
              timeout: 2s
              process:
                command: ["%s", "-c", %s, "{params.mode}", "{params.text}", "%s"]
              limits: {memory: 128MB, cpu: 10s, pids: 16, output: 4KB}
              retry: {maxAttempts: 2, initialInterval: 100ms, randomization: 0.0}
            remote:
              executor: http
              tenants: [demo]
              params: {id: {type: string, required: true}}
              http: {url: "http://127.0.0.1:%d/items/{params.id}", method: POST, timeout: 5s}
              retry: {maxAttempts: 3, initialInterval: 100ms, randomization: 0.0}
        """
            .formatted(PYTHON, json(SCRIPT), marker, port);
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.putAll(ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobTypes());
    return base.withJobTypes(types);
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void submit(IntakeClient intake, String id, String type, String params) {
    intake.json(id, "{\"type\":\"" + type + "\",\"tenant\":\"demo\",\"params\":" + params + "}");
  }

  /** ok: 200; flaky: 503 with Retry-After: 1 the first time, then 200; bad: 400. */
  private static HttpServer service(Map<String, AtomicInteger> calls) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/items/",
        ex -> {
          String id = ex.getRequestURI().getPath().substring("/items/".length());
          int n = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          switch (id) {
            case "ok" ->
                reply(
                    ex,
                    200,
                    "{\"item\":\"ok\",\"key\":\""
                        + ex.getRequestHeaders().getFirst("Idempotency-Key")
                        + "\"}");
            case "flaky" -> {
              if (n == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                reply(ex, 503, "try later");
              } else {
                reply(ex, 200, "{\"item\":\"flaky\"}");
              }
            }
            default -> reply(ex, 400, "no such item");
          }
        });
    server.start();
    return server;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static List<Long> processesWithMarker(String marker) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(
            Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          if (new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
              .contains(marker)) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    return pids;
  }
}
