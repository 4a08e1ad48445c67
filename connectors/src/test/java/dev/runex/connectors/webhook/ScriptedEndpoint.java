package dev.runex.connectors.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP endpoint on 127.0.0.1 (the JDK's HttpServer) that answers with a script of responses
 * (the last one repeats) and keeps every request it received, with its arrival time.
 */
final class ScriptedEndpoint implements AutoCloseable {
  record Response(int status, Map<String, String> headers, String body) {
    static Response of(int status) {
      return new Response(status, Map.of(), "");
    }
  }

  record Request(Map<String, List<String>> headers, byte[] body, long arrivedNanos) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final Deque<Response> script;
  final List<Request> requests = new CopyOnWriteArrayList<>();

  ScriptedEndpoint(Response... responses) throws IOException {
    script = new ArrayDeque<>(List.of(responses));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
    Response r;
    synchronized (script) {
      r = script.size() > 1 ? script.removeFirst() : script.getFirst();
    }
    r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      exchange.getResponseBody().write(out);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
