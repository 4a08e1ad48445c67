package dev.runex.launcher.e2e;

import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.Gateway;
import dev.runex.launcher.it.RealKafka;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime (topology and a worker, in this JVM, against the shared real broker) plus the
 * gateway, configured with two tenants ({@code acme}, {@code globex}) and an operator, each with
 * its own API key, a job type whose downstream system the test takes down and brings back, and one
 * recurring schedule per tenant. A second gateway ({@link #replica}) shares the first one's console
 * session secret, as replicas behind one Service do.
 */
final class ConsoleFixture implements AutoCloseable {
  static final String OPS_KEY = "ops-secret-7b1f";
  static final String ACME_KEY = "acme-secret-52c0";
  static final String GLOBEX_KEY = "globex-secret-9e44";

  private static final String YAML =
      """
      runex:
        jobTypes:
          echo: {tenants: [acme, globex], allowUnknownParams: true, params: {message: string}, priorities: [high, normal, low]}
          sleep: {tenants: [acme, globex], params: {ms: {type: int, required: true}}, maxTimeout: PT10M}
          reserve:
            handler: inventory
            tenants: [acme, globex]
            allowUnknownParams: true
            retry: {maxAttempts: 1}
        schedules:
          nightly-acme: {cron: "0 0 2 * * *", job: {type: echo, tenant: acme, params: {message: nightly}}}
          nightly-globex: {cron: "0 30 2 * * *", job: {type: echo, tenant: globex, params: {message: nightly}}}
        gateway:
          keys:
            ops: {scope: operator, env: IT_OPS_KEY}
            acme-ci: {tenant: acme, env: IT_ACME_KEY}
            globex-ci: {tenant: globex, env: IT_GLOBEX_KEY}
      """;

  /** A handler whose downstream system is down until the test brings it back. */
  static final class Inventory implements JobHandler {
    final AtomicBoolean down = new AtomicBoolean(true);

    @Override
    public String name() {
      return "inventory";
    }

    @Override
    public String handle(JobContext ctx) {
      if (down.get()) {
        throw new IllegalStateException("inventory service unavailable");
      }
      return "reserved " + ctx.job().getParams().get("sku");
    }
  }

  final RunexConfig cfg;
  final InProcessRuntime runtime;
  final Inventory inventory = new Inventory();
  final Gateway gateway;
  final Gateway replica;
  final GatewayClient http;
  private final Path sessionSecret;

  ConsoleFixture() {
    Map<String, String> env =
        Map.of("IT_OPS_KEY", OPS_KEY, "IT_ACME_KEY", ACME_KEY, "IT_GLOBEX_KEY", GLOBEX_KEY);
    RunexConfig declared = ConfigLoader.fromYaml(YAML, env, Map.of());
    this.sessionSecret = writeSessionSecret();
    this.cfg =
        RealKafka.config(
                Map.of(
                    Settings.GATEWAY_PORT.key(),
                    "0",
                    Settings.GATEWAY_SESSION_SECRET.key(),
                    "file:" + sessionSecret))
            .withJobTypes(declared.jobTypes())
            .withSchedules(declared.schedules())
            // resolved here: the gateways read the process environment, which has no test keys
            .withGatewayKeys(declared.gatewayKeys().resolve(env));
    this.runtime = new InProcessRuntime(cfg).startTopology();
    runtime.startWorker(HandlerRegistry.withBuiltins().register(inventory));
    this.gateway = Gateway.start(cfg, runtime.statusUrl());
    this.replica = Gateway.start(cfg, runtime.statusUrl());
    this.http = new GatewayClient(gateway.url());
    GatewayClient replicaHttp = new GatewayClient(replica.url());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                http.get("/health/ready", null).status() == 200
                    && replicaHttp.get("/health/ready", null).status() == 200);
  }

  private static Path writeSessionSecret() {
    try {
      Path file = Files.createTempFile("runex-session-secret", "");
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      return Files.writeString(file, Base64.getEncoder().encodeToString(random));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    replica.close();
    gateway.close();
    runtime.close();
    try {
      Files.deleteIfExists(sessionSecret);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
