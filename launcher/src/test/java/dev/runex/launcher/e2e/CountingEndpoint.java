package dev.runex.launcher.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  CountingEndpoint(long delayMs) throws IOException {
    this.delayMs = delayMs;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.createContext("/work", this::handle);
    server.setExecutor(threads);
    server.start();
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
    runs.computeIfAbsent(key == null ? "none" : key, k -> new AtomicInteger()).incrementAndGet();
    try {
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
