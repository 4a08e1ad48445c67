package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.Gateway;
import dev.runex.launcher.local.TopicProvisioner;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runex gateway}: the operator console — HTTP API (OpenAPI at /openapi.yaml) and dashboard
 * (/console) behind the API keys of {@code runex.gateway.keys}.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator console until stopped: the HTTP API (/api/v1, described at /openapi.yaml), "
            + "the dashboard (/console), /health/live, /health/ready and /metrics. Needs runex.gateway.keys.",
    footer = {"", "Example: ./runex gateway -c runex.yaml --port 9480"})
public final class GatewayCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--host", description = "Address to bind (default: runex.gateway.host).")
  String host;

  @Option(names = "--port", description = "Port (default: runex.gateway.port).")
  Integer port;

  @Option(
      names = "--status-url",
      paramLabel = "URL",
      description =
          "A topology instance's status API (default: runex.gateway.statusUrl, else runex.topology.status*).")
  String statusUrl;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new HashMap<>();
    if (host != null) {
      extra.put(Settings.GATEWAY_HOST.key(), host);
    }
    if (port != null) {
      extra.put(Settings.GATEWAY_PORT.key(), port.toString());
    }
    RunexConfig loaded = config.load(extra);
    if (loaded.gatewayKeys().isEmpty()) {
      throw new IllegalStateException(
          "runex.gateway.keys is empty: configure at least one API key (see docs/console.md)");
    }
    // read the keys' secrets before anything else, so a missing one stops the start at once
    RunexConfig cfg = loaded.withGatewayKeys(loaded.gatewayKeys().resolve(System.getenv()));
    Lifetime lifetime = new Lifetime();
    TopicProvisioner.ensureTopics(cfg, cfg.topics(), cfg.pools());
    Gateway gateway =
        lifetime.add(
            "the gateway",
            Gateway.start(
                cfg, statusUrl == null || statusUrl.isBlank() ? null : URI.create(statusUrl)));
    System.out.println(
        "runex gateway: console "
            + gateway.url()
            + "/console, API "
            + gateway.url()
            + "/api/v1 (OpenAPI: "
            + gateway.url()
            + "/openapi.yaml); Ctrl-C to stop");
    lifetime.awaitShutdown();
    return 0;
  }
}
