package dev.runex.launcher.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP endpoint for http job types that takes {@code delayMs} per call (an I/O-bound job)
 * and counts the calls per {@code Idempotency-Key} ({@code <job id>:<attempt>}): how many times the
 * runtime really ran each attempt, including runs whose results were never committed.
 */
final class CountingEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final long delayMs;
  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  /** Every call in arrival order: whose key, which caller (the {@code w} query parameter), when. */
  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  /**
   * One call: its {@code Idempotency-Key}, the caller's name ("" when unnamed), System.nanoTime.
   */
  record Call(String key, String caller, long atNanos) {}

  private volatile String holdCaller;
  private final CountDownLatch released = new CountDownLatch(1);

  /** Keys of the calls held (not answered) until {@link #release}. */
  final Set<String> held = ConcurrentHashMap.newKeySet();

  /** From now on, calls of {@code caller} are not answered until {@link #release}. */
  void hold(String caller) {
    holdCaller = caller;
  }

  /** Answers the held calls and holds no more. */
  void release() {
    holdCaller = null;
    released.countDown();
  }

  CountingEndpoint(long delayMs) throws IOException {
    this.delayMs = delayMs;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.createContext("/work", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /**
   * Configuration of an http job type {@code io} (pool default, tenant demo) that calls {@code
   * url}.
   */
  static String ioJobType(String url) {
    return """
        runex:
          jobTypes:
            io:
              executor: http
              pool: default
              tenants: [demo]
              timeout: 30s
              http:
                url: "%s"
                method: GET
                timeout: 20s
        """
        .formatted(url);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/work";
  }

  /** Runs of attempts beyond the first run of each (job id, attempt). */
  int extraRuns() {
    return runs.values().stream().mapToInt(c -> Math.max(0, c.get() - 1)).sum();
  }

  int runsOf(String jobId, int attempt) {
    AtomicInteger c = runs.get(jobId + ":" + attempt);
    return c == null ? 0 : c.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    String query = exchange.getRequestURI().getQuery();
    String caller = query != null && query.startsWith("w=") ? query.substring(2) : "";
    calls.add(new Call(key == null ? "none" : key, caller, System.nanoTime()));
    runs.computeIfAbsent(key == null ? "none" : key, k -> new AtomicInteger()).incrementAndGet();
    try {
      if (caller.equals(holdCaller)) {
        held.add(key == null ? "none" : key);
        released.await(120, TimeUnit.SECONDS);
      }
      Thread.sleep(delayMs); // the job's I/O wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
