package dev.runex.launcher.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.stream.IntStream;

/** TCP ports on 127.0.0.1 for the local servers: checked when given, picked when 0. */
final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * {@code port} itself, or a port that was free a moment ago when {@code port} is 0 (never one of
   * {@code taken}, the ports already chosen for the same server).
   */
  static int orFree(String key, int port, int... taken) {
    if (port < 0 || port > 65_535) {
      throw new LocalInfraException(key + " must be 0 (pick a free port) or 1..65535, was " + port);
    }
    if (port != 0) {
      requireFree(key, port);
      return port;
    }
    while (true) {
      int candidate = free();
      if (IntStream.of(taken).noneMatch(t -> t == candidate)) {
        return candidate;
      }
    }
  }

  /** A clear error up front beats a server that dies with a bind error deep in its log. */
  private static void requireFree(String key, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new LocalInfraException(
          key
              + " "
              + port
              + " is already in use on 127.0.0.1 ("
              + e.getMessage()
              + "); stop whatever listens there or choose another port (0 picks a free one)");
    }
  }

  /**
   * Lets the OS pick an ephemeral port and releases it for the server to bind. Another process
   * could take it in between; the server then fails to bind and its start fails with its log.
   */
  static int free() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new LocalInfraException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
