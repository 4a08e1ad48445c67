package dev.runex.launcher.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook endpoint on 127.0.0.1 (the JDK's HttpServer) that answers every POST with {@code
 * status} and keeps what it received, as a user's receiver would see it.
 */
final class WebhookReceiver implements AutoCloseable {
  record Delivery(String idempotencyKey, String timestamp, String signature, byte[] body) {}

  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final int status;

  WebhookReceiver(int status) throws IOException {
    this.status = status;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/results", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/results";
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    deliveries.add(
        new Delivery(
            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
            exchange.getRequestHeaders().getFirst("X-Runex-Timestamp"),
            exchange.getRequestHeaders().getFirst("X-Runex-Signature"),
            body));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
