package dev.runex.launcher.cli;

import dev.runex.config.ApiKeySpec;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.Gateway;
import dev.runex.topology.RunexTopology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The console {@code runex local} starts: the gateway with the configured keys plus an operator key
 * made for this run (printed once, so the person at the terminal can log in), on {@code
 * runex.gateway.port} or, when that port is taken, a free one. {@code runex.gateway.port=-1}: none.
 */
final class LocalConsole {
  static final String KEY_NAME = "local-operator";

  private final Gateway gateway;
  private final String key;

  private LocalConsole(Gateway gateway, String key) {
    this.gateway = gateway;
    this.key = key;
  }

  static LocalConsole start(RunexConfig cfg, RunexTopology topology, Lifetime lifetime) {
    int port = cfg.intValue(Settings.GATEWAY_PORT);
    if (port < 0) {
      return new LocalConsole(null, null);
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String key = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    RunexConfig withKey =
        cfg.withGatewayKeys(
                cfg.gatewayKeys()
                    .with(
                        new ApiKeySpec(
                            KEY_NAME, ApiKeySpec.Scope.OPERATOR, null, ApiKeySpec.hash(key))))
            .with(Settings.GATEWAY_PORT, Integer.toString(port > 0 && !free(cfg, port) ? 0 : port));
    Gateway gateway =
        lifetime.add("the console", Gateway.start(withKey, topology.statusUrl().orElse(null)));
    return new LocalConsole(gateway, key);
  }

  void print() {
    if (gateway == null) {
      return;
    }
    System.out.printf(
        "%nconsole: %s/console  (log in with the operator key %s; it is made for this run only)%n"
            + "API:     %s/api/v1  (curl -H 'Authorization: Bearer %s' %s/api/v1/overview; OpenAPI: %s/openapi.yaml)%n",
        gateway.url(), key, gateway.url(), key, gateway.url(), gateway.url());
  }

  private static boolean free(RunexConfig cfg, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(cfg.string(Settings.GATEWAY_HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
