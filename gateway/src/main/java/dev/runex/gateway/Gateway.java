package dev.runex.gateway;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.SessionSecret;
import dev.runex.gateway.access.Sessions;
import dev.runex.gateway.api.DeadLettersApi;
import dev.runex.gateway.api.JobsApi;
import dev.runex.gateway.api.OperationsApi;
import dev.runex.gateway.audit.AuditLog;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.gateway.control.Controls;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.gateway.deadletter.DeadLetterReplayer;
import dev.runex.gateway.deadletter.DeadLetterStore;
import dev.runex.gateway.health.GatewayHealth;
import dev.runex.gateway.intake.JobSubmitter;
import dev.runex.gateway.intake.RecentSubmissions;
import dev.runex.gateway.intake.ResultLookup;
import dev.runex.gateway.intake.ResultWaiter;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.overview.BacklogSource;
import dev.runex.gateway.overview.LifecycleStats;
import dev.runex.gateway.overview.LiveOverview;
import dev.runex.gateway.overview.ProbedBacklog;
import dev.runex.gateway.schedules.ScheduleCatalog;
import dev.runex.gateway.status.FoldWait;
import dev.runex.gateway.status.IntakeBarrier;
import dev.runex.gateway.status.JobQueries;
import dev.runex.gateway.status.StatusClient;
import dev.runex.schemas.topics.RunexTopics;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runex gateway}: the operator console over the runtime's topics and status store — an HTTP
 * API (OpenAPI at {@code /openapi.yaml}) and a server-rendered dashboard ({@code /console}) behind
 * per-tenant and operator API keys ({@code runex.gateway.keys}). Binds {@code runex.gateway.host}
 * (127.0.0.1 unless configured) and {@code runex.gateway.port}.
 *
 * <p>It reads: the status API of a topology instance (jobs, transitions), {@code results} (from its
 * start, for {@code ?wait}, and by time for older results), {@code dead-letter} (from the
 * beginning), {@code events} (the last {@code runex.gateway.overviewWindow}, then live), {@code
 * control} (paused targets), {@code audit}, the schedules topic, and the pools' offsets. It writes:
 * {@code intake} (submissions, replays), {@code control} (cancel, pause, resume), {@code audit}.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private final Javalin app;
  private final String host;

  private Gateway(RunexConfig declared, URI statusUrl, BacklogSource backlogOverride) {
    if (declared.gatewayKeys().isEmpty()) {
      throw new IllegalStateException(
          "runex.gateway.keys is empty: configure at least one API key (see docs/console.md)");
    }
    // the gateway is the one process that reads the keys' secrets (env and file references)
    RunexConfig cfg = declared.withGatewayKeys(declared.gatewayKeys().resolve(System.getenv()));
    try {
      this.host = cfg.string(Settings.GATEWAY_HOST);
      this.app = GatewayServer.create(build(cfg, statusUrl, backlogOverride));
      app.start(host, cfg.intValue(Settings.GATEWAY_PORT));
      log.info("runex gateway: {}", url());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the gateway. {@code statusUrl}: the topology's status API (null: {@code
   * runex.gateway.statusUrl}, else as the topology config describes it).
   */
  public static Gateway start(RunexConfig cfg, URI statusUrl) {
    return new Gateway(cfg, statusUrl, null);
  }

  /** Starts the gateway with another source of backlog figures than Kafka offsets. */
  public static Gateway start(RunexConfig cfg, URI statusUrl, BacklogSource backlog) {
    return new Gateway(cfg, statusUrl, backlog);
  }

  private <T extends AutoCloseable> T own(T part) {
    parts.push(part);
    return part;
  }

  private GatewayParts build(RunexConfig cfg, URI statusUrl, BacklogSource backlogOverride) {
    RunexTopics topics = cfg.topics();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().commonTags("process", "gateway");
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    own(meters::close);
    KafkaProducer<byte[], byte[]> producer = own(Clients.producer(cfg, "runex-gateway"));
    String configuredStatus = cfg.string(Settings.GATEWAY_STATUS_URL);
    StatusClient status =
        statusUrl != null
            ? new StatusClient(statusUrl)
            : StatusClient.of(configuredStatus.isBlank() ? null : configuredStatus, cfg);
    ResultWaiter results = own(new ResultWaiter(cfg, topics)).start();
    ResultLookup lookup = own(new ResultLookup(cfg, topics));
    PausedTargets paused = own(new PausedTargets(cfg, topics)).start();
    AuditLog audit = own(new AuditLog(cfg, topics, producer)).start();
    DeadLetterStore deadLetters =
        own(new DeadLetterStore(cfg, topics, cfg.intValue(Settings.GATEWAY_DEAD_LETTERS_HELD)))
            .start();
    DeadLetterReplayer replayer =
        own(new DeadLetterReplayer(deadLetters, producer, topics.intake().name(), audit, meters));
    LifecycleStats stats =
        own(new LifecycleStats(cfg, cfg.duration(Settings.GATEWAY_OVERVIEW_WINDOW))).follow(topics);
    BacklogSource backlog =
        backlogOverride != null
            ? backlogOverride
            : own(new ProbedBacklog(cfg, topics, Clock.systemUTC()));
    LiveOverview overview = own(new LiveOverview(cfg, backlog, stats, paused)).start();
    ScheduleCatalog schedules = new ScheduleCatalog(cfg, topics, paused);
    RecentSubmissions submitted = new RecentSubmissions();
    FoldWait foldWait =
        new FoldWait(
            submitted,
            results::seen,
            id -> stats.unfinished(id).map(u -> new FoldWait.Sighting(u.tenant(), u.at())),
            cfg.duration(Settings.GATEWAY_STATUS_FOLD_WAIT),
            Clock.systemUTC());
    IntakeBarrier barrier =
        own(
            IntakeBarrier.of(
                cfg, topics.intake().name(), topics.events().name(), stats.follower()::hasRead));
    JobQueries jobs = new JobQueries(status, lookup, foldWait, barrier);
    Controls controls =
        new Controls(cfg, new ControlWriter(producer, topics), paused, jobs, schedules, audit);
    JobSubmitter submitter =
        new JobSubmitter(cfg, producer, topics.intake().name(), submitted, Clock.systemUTC());
    GatewayHealth health =
        new GatewayHealth(
            List.of(results.follower(), deadLetters.follower(), stats.follower(), audit.follower()),
            paused,
            () ->
                overview
                    .backlogAge()
                    .map(a -> a.compareTo(Duration.ofSeconds(30)) < 0)
                    .orElse(false));
    Authenticator auth =
        new Authenticator(
            cfg.gatewayKeys(),
            new Sessions(
                cfg.gatewayKeys(),
                SessionSecret.resolve(cfg, System.getenv()),
                cfg.duration(Settings.GATEWAY_SESSION_TIMEOUT),
                Clock.systemUTC()));
    return new GatewayParts(
        cfg,
        cfg.bytes(Settings.GATEWAY_MAX_REQUEST_BYTES),
        auth,
        submitter,
        jobs,
        controls,
        paused,
        deadLetters,
        replayer,
        audit,
        overview,
        schedules,
        health,
        meters,
        new JobsApi(cfg, submitter, results, jobs, controls, meters),
        new OperationsApi(controls, paused, schedules, overview, audit),
        new DeadLettersApi(deadLetters, replayer));
  }

  /** The port the gateway listens on. */
  public int port() {
    return app.port();
  }

  /** Its base URL, e.g. {@code http://127.0.0.1:9480}. */
  public URI url() {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return URI.create("http://" + h + ":" + port());
  }

  /** The Javalin app (its route table is what the OpenAPI document must describe). */
  public Javalin app() {
    return app;
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    while (!parts.isEmpty()) {
      try {
        parts.pop().close();
      } catch (Exception e) {
        log.warn("while stopping the gateway: {}", e.toString());
      }
    }
  }
}
