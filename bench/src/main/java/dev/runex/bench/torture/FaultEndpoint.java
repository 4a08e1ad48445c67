package dev.runex.bench.torture;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The endpoint the torture run's http job types call: {@code /<worker>/<behaviour>[/<k>]}, where
 * each worker's configuration names the worker in the path, so every call is attributed to the
 * worker process that made it. Every call is recorded with its {@code Idempotency-Key} ({@code <job
 * id>:<attempt>}) and the answer given, so the audit can count handler runs per job and attempt.
 *
 * <p>Behaviours: {@code ok} answers 200 at once, {@code slow} after {@link #SLOW_MS}, {@code
 * flaky/k} answers 503 to attempts 1..k and 200 after, {@code broken} always 400. A worker marked
 * {@link #hang hanging} gets no answer for {@link #HANG_MS} (past every job type's timeout).
 */
final class FaultEndpoint implements AutoCloseable {
  static final long SLOW_MS = 1_500;
  static final long HANG_MS = 9_000;

  /** What the endpoint did with one call. */
  enum Answer {
    OK,
    RETRYABLE,
    PERMANENT,
    HUNG
  }

  /** One call: which worker made it, for which job and attempt, when, and what it got. */
  record Call(String worker, String jobId, int attempt, long atNanos, Answer answer) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();

  FaultEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 400);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The base URL for {@code worker}'s job types. */
  String base(String worker) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + worker;
  }

  void hang(String worker, boolean on) {
    if (on) {
      hanging.add(worker);
    } else {
      hanging.remove(worker);
    }
  }

  /** Every call, by {@code <job id>:<attempt>}. */
  Map<String, List<Call>> calls() {
    return calls;
  }

  /** The calls of one job, every attempt. */
  List<Call> callsOf(String jobId) {
    List<Call> out = new ArrayList<>();
    for (int a = 1; ; a++) {
      List<Call> c = calls.get(jobId + ":" + a);
      if (c == null) {
        return out;
      }
      out.addAll(c);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String[] path = ex.getRequestURI().getPath().split("/");
    String worker = path.length > 1 ? path[1] : "?";
    String behaviour = path.length > 2 ? path[2] : "ok";
    String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
    String jobId = key == null ? "?" : key.substring(0, Math.max(0, key.lastIndexOf(':')));
    int attempt = key == null ? 0 : Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
    long at = System.nanoTime();
    Answer answer;
    int status;
    if (hanging.contains(worker)) {
      answer = Answer.HUNG;
      status = 200;
      pause(HANG_MS);
    } else {
      switch (behaviour) {
        case "slow" -> {
          pause(SLOW_MS);
          answer = Answer.OK;
        }
        case "flaky" -> {
          int k = path.length > 3 ? Integer.parseInt(path[3]) : 1;
          answer = attempt <= k ? Answer.RETRYABLE : Answer.OK;
        }
        case "broken" -> answer = Answer.PERMANENT;
        default -> answer = Answer.OK;
      }
      status =
          switch (answer) {
            case RETRYABLE -> 503;
            case PERMANENT -> 400;
            default -> 200;
          };
    }
    calls
        .computeIfAbsent(key == null ? "none" : key, k -> new CopyOnWriteArrayList<>())
        .add(new Call(worker, jobId, attempt, at, answer));
    byte[] body = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // the worker gave up on the call (timeout, or it was killed): the call still counts as a run
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
