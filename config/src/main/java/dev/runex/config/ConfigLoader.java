package dev.runex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Loads a {@link RunexConfig}: defaults, then one YAML file, then environment variables ({@code
 * RUNEX_WORKER_CONCURRENCY=8}), then explicit overrides ({@code --set key=value}). Without a file,
 * the bundled {@code runex-default.yaml} (the local demo job types) is used. Unknown keys are
 * errors, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {
  public static final String DEFAULT_RESOURCE = "runex-default.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** The bundled default configuration with the process environment applied. */
  public static RunexConfig defaults() {
    return load(null, System.getenv(), Map.of());
  }

  public static RunexConfig load(
      Path file, Map<String, String> env, Map<String, String> overrides) {
    JsonNode root;
    try {
      root = file == null ? readDefaultResource() : YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return fromTree(root, env, overrides);
  }

  public static RunexConfig fromYaml(
      String yaml, Map<String, String> env, Map<String, String> overrides) {
    try {
      return fromTree(YAML.readTree(yaml), env, overrides);
    } catch (IOException e) {
      throw new ConfigException("cannot parse config: " + e.getMessage());
    }
  }

  private static JsonNode readDefaultResource() throws IOException {
    try (InputStream in =
        ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IOException("missing classpath resource " + DEFAULT_RESOURCE);
      }
      return YAML.readTree(in);
    }
  }

  private static RunexConfig fromTree(
      JsonNode root, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, JobTypeSpec> jobTypes = new LinkedHashMap<>();
    Map<String, Map<String, String>> kafka = new HashMap<>();
    Map<String, JsonNode> scheduleNodes = new LinkedHashMap<>();
    JsonNode[] quotaNode = new JsonNode[1];
    JsonNode[] gatewayKeysNode = new JsonNode[1];
    JsonNode runex = root == null ? null : root.get("runex");
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      Iterator<String> top = root.fieldNames();
      while (top.hasNext()) {
        String name = top.next();
        if (!name.equals("runex")) {
          throw new ConfigException(
              "unknown top-level key '" + name + "' (everything lives under runex:)");
        }
      }
    }
    if (runex != null && runex.isObject()) {
      runex
          .fields()
          .forEachRemaining(
              e -> {
                switch (e.getKey()) {
                  case "jobTypes" ->
                      e.getValue()
                          .fields()
                          .forEachRemaining(
                              t ->
                                  jobTypes.put(
                                      t.getKey(), JobTypeParser.parse(t.getKey(), t.getValue())));
                  case "schedules" ->
                      e.getValue()
                          .fields()
                          .forEachRemaining(t -> scheduleNodes.put(t.getKey(), t.getValue()));
                  case "quotas" -> quotaNode[0] = e.getValue();
                  case "gateway" -> {
                    // keys are structured (one block per key); the other gateway keys are scalars
                    if (e.getValue().isObject()) {
                      e.getValue()
                          .fields()
                          .forEachRemaining(
                              g -> {
                                if (g.getKey().equals("keys")) {
                                  gatewayKeysNode[0] = g.getValue();
                                } else {
                                  flatten("runex.gateway." + g.getKey(), g.getValue(), raw);
                                }
                              });
                    } else {
                      flatten("runex.gateway", e.getValue(), raw);
                    }
                  }
                  case "kafka" ->
                      e.getValue()
                          .fields()
                          .forEachRemaining(
                              c -> kafka.put(checkClient(c.getKey()), flattenRaw(c.getValue())));
                  default -> flatten("runex." + e.getKey(), e.getValue(), raw);
                }
              });
    }
    for (Setting s : Settings.ALL) {
      String fromEnv = env.get(s.envName());
      if (fromEnv != null) {
        raw.put(s.key(), fromEnv);
      }
    }
    overrides.forEach(
        (key, value) -> {
          // --set runex.kafka.<client>.<kafka setting>=value: a raw Kafka client setting, like the
          // YAML's
          if (key.startsWith("runex.kafka.")) {
            String rest = key.substring("runex.kafka.".length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
              throw new ConfigException(
                  "unknown setting " + key + " (expected runex.kafka.<client>.<kafka setting>)");
            }
            kafka
                .computeIfAbsent(checkClient(rest.substring(0, dot)), c -> new LinkedHashMap<>())
                .put(rest.substring(dot + 1), value);
          } else {
            raw.put(key, value);
          }
        });
    Map<Setting, Object> values = new HashMap<>();
    for (String key : raw.keySet()) {
      if (Settings.byKey(key) == null) {
        throw new ConfigException("unknown setting " + key);
      }
    }
    for (Setting s : Settings.ALL) {
      String v = raw.getOrDefault(s.key(), s.defaultValue());
      values.put(s, s.parse(v));
    }
    KafkaOverrides overridesK =
        new KafkaOverrides(
            kafka.getOrDefault("common", Map.of()),
            kafka.getOrDefault("producer", Map.of()),
            kafka.getOrDefault("consumer", Map.of()),
            kafka.getOrDefault("admin", Map.of()),
            kafka.getOrDefault("streams", Map.of()));
    Map<String, ScheduleSpec> schedules = new LinkedHashMap<>();
    scheduleNodes.forEach(
        (name, node) -> schedules.put(name, ScheduleParser.parse(name, node, jobTypes)));
    return new RunexConfig(
        values,
        jobTypes,
        overridesK,
        schedules,
        QuotaParser.parse(quotaNode[0], jobTypes),
        GatewayKeyParser.parse(gatewayKeysNode[0]));
  }

  private static String checkClient(String client) {
    if (!Set.of("common", "producer", "consumer", "admin", "streams").contains(client)) {
      throw new ConfigException(
          "unknown setting runex.kafka."
              + client
              + " (expected common, producer, consumer, admin or streams)");
    }
    return client;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix + "." + e.getKey(), e.getValue(), out));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  private static Map<String, String> flattenRaw(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> flattenInto(e.getKey(), e.getValue(), out));
    return out;
  }

  private static void flattenInto(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(e -> flattenInto(prefix + "." + e.getKey(), e.getValue(), out));
    } else {
      out.put(prefix, node.asText());
    }
  }

  /** Parses one {@code runex.jobTypes.<name>} block. */
  public static final class JobTypeParser {
    /** Every key of a job type block with its documentation; the parser accepts exactly these. */
    public static final Map<String, String> KEY_DOCS =
        docs(
            "executor",
                "java (default): a JobHandler in the worker JVM; process: an OS process in a sandbox (process.*); http: an HTTP call (http.*).",
            "handler", "Handler name for the java executor (default: the type name).",
            "pool", "Worker pool that runs it: jobs go to scheduled.<pool> (default: default).",
            "tenants", "Tenants allowed to submit it; [\"*\"] allows any. Required.",
            "params",
                "Parameter spec: name -> type (string, int, number, boolean, json) or {type, required}.",
            "allowUnknownParams", "Accept parameters not declared in params (default: false).",
            "maxPayloadBytes", "Largest accepted request, in encoded bytes (default: 65536).",
            "timeout",
                "Per-attempt wall-clock timeout when the request gives none (default: PT30S).",
            "maxTimeout", "Longest timeout a request may ask for (default: PT5M).",
            "priorities",
                "Priorities requests may ask for, from high, normal, low: [high, normal, low] lets this type jump ahead of queued work (default: [normal, low]; a request above them is REJECTED PRIORITY_NOT_ALLOWED).",
            "maxQueueTime",
                "Longest an attempt may wait past its due time before it starts; one not started by then ends EXPIRED (default: no limit).",
            "retry.maxAttempts", "Attempts when the request gives none (default: 3).",
            "retry.maxAttemptsLimit", "Most attempts a request may ask for (default: 10).",
            "retry.initialInterval", "Back-off before the second attempt (default: PT1S).",
            "retry.multiplier", "Back-off growth per attempt (default: 2.0).",
            "retry.randomization",
                "Jitter factor in [0,1): each back-off is drawn from +/- this fraction (default: 0.5).",
            "retry.maxInterval", "Cap on one back-off (default: PT5M).",
            "process.command",
                "Program and arguments, one list entry per argv entry (never a shell): [\"/usr/bin/python3\", \"resize.py\", \"--size={params.size}\"]. "
                    + "Placeholders {params.<name>}, {job.id}, {job.type}, {job.tenant}, {job.attempt}, {job.idempotencyKey}, {workdir}; the program (entry 0) is fixed. Required with executor process.",
            "process.exitCodes",
                "Exit code -> success, retryable or permanent, plus default for the rest (defaults: 0 success, 75 retryable, default permanent).",
            "http.url",
                "Endpoint: an absolute http(s) URL with a fixed scheme, host and port; {params.<name>} and {job.*} only in the path and query, percent-encoded. Required with executor http.",
            "http.method",
                "GET, POST, PUT, PATCH or DELETE (default: POST); POST, PUT and PATCH send the params as a JSON object.",
            "http.headers",
                "Headers sent with every request (literal values); runex adds Idempotency-Key (<job id>:<attempt>) and traceparent.",
            "http.timeout", "Per-request timeout, within the attempt's own timeout (default: 10s).",
            "http.breaker.failureRate",
                "Circuit breaker: failure rate in percent (5xx, 408, 429, timeouts, connection errors) that opens it (default: 50).",
            "http.breaker.window",
                "Circuit breaker: calls the failure rate is computed over (default: 20).",
            "http.breaker.minCalls",
                "Circuit breaker: calls needed before the rate counts (default: 10).",
            "http.breaker.openFor",
                "Circuit breaker: how long it stays open; meanwhile jobs are deferred without using an attempt, then one probe call decides (default: 30s).",
            "limits.memory",
                "Address space of each process (RLIMIT_AS), and for every executor the memory a job reserves from runex.worker.memoryBudget (default: 256MB for process, 64MB for java and http).",
            "limits.cpu", "CPU time of each process (RLIMIT_CPU, whole seconds) (default: 60s).",
            "limits.pids",
                "Processes and threads a process job may have at once (RLIMIT_NPROC under a uid of its own) (default: 64).",
            "limits.fileSize",
                "Largest file a process job may write (RLIMIT_FSIZE), and the size of its private /tmp (default: 64MB).",
            "limits.output",
                "Output kept: a process job's stdout, an http job's response body; the rest is dropped and flagged, at most 512KB (default: 256KB).",
            "limits.network",
                "Whether a process job may use the network; false gives it an empty network namespace (default: false).",
            "limits.env",
                "Worker environment variables a process job sees; every other one is cleared (default: [PATH, LANG, LC_ALL, TZ]).");

    private static final Set<String> KEYS = topLevel(KEY_DOCS.keySet());
    private static final Set<String> RETRY_KEYS = nested("retry.", KEY_DOCS.keySet());

    private static Map<String, String> docs(String... kv) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put(kv[i], kv[i + 1]);
      }
      return java.util.Collections.unmodifiableMap(m);
    }

    private static Set<String> topLevel(Set<String> keys) {
      Set<String> out = new LinkedHashSet<>();
      keys.forEach(k -> out.add(k.contains(".") ? k.substring(0, k.indexOf('.')) : k));
      return out;
    }

    private static Set<String> nested(String prefix, Set<String> keys) {
      Set<String> out = new LinkedHashSet<>();
      keys.stream()
          .filter(k -> k.startsWith(prefix))
          .forEach(k -> out.add(k.substring(prefix.length())));
      return out;
    }

    static JobTypeSpec parse(String name, JsonNode n) {
      String p = "runex.jobTypes." + name;
      checkKeys(p, n, KEYS);
      String executor = text(n, "executor", JobTypeSpec.JAVA);
      Set<String> tenants = new LinkedHashSet<>();
      JsonNode t = n.get("tenants");
      if (t == null || !t.isArray()) {
        throw new ConfigException(p + ".tenants must be a list of tenant names (or [\"*\"])");
      }
      t.forEach(x -> tenants.add(x.asText()));
      Map<String, ParamSpec> params = new LinkedHashMap<>();
      JsonNode ps = n.get("params");
      if (ps != null) {
        ps.fields()
            .forEachRemaining(
                e -> {
                  String pk = p + ".params." + e.getKey();
                  JsonNode spec = e.getValue();
                  if (spec.isTextual()) {
                    params.put(
                        e.getKey(),
                        new ParamSpec(e.getKey(), ParamType.parse(pk, spec.asText()), false));
                  } else {
                    checkKeys(pk, spec, Set.of("type", "required"));
                    params.put(
                        e.getKey(),
                        new ParamSpec(
                            e.getKey(),
                            ParamType.parse(pk + ".type", text(spec, "type", "string")),
                            spec.path("required").asBoolean(false)));
                  }
                });
      }
      RetryPolicy retry = RetryPolicy.DEFAULT;
      JsonNode r = n.get("retry");
      if (r != null) {
        checkKeys(p + ".retry", r, RETRY_KEYS);
        RetryPolicy d = RetryPolicy.DEFAULT;
        int attempts = r.path("maxAttempts").asInt(d.maxAttempts());
        retry =
            new RetryPolicy(
                attempts,
                r.path("maxAttemptsLimit").asInt(Math.max(d.maxAttemptsLimit(), attempts)),
                duration(p + ".retry.initialInterval", r, "initialInterval", d.initialInterval()),
                r.path("multiplier").asDouble(d.multiplier()),
                r.path("randomization").asDouble(d.randomization()),
                duration(p + ".retry.maxInterval", r, "maxInterval", d.maxInterval()));
      }
      return new JobTypeSpec(
          name,
          executor,
          text(n, "handler", name),
          text(n, "pool", "default"),
          tenants,
          params,
          n.path("allowUnknownParams").asBoolean(false),
          n.path("maxPayloadBytes").asLong(65_536),
          duration(p + ".timeout", n, "timeout", Duration.ofSeconds(30)),
          duration(p + ".maxTimeout", n, "maxTimeout", Duration.ofMinutes(5)),
          retry,
          JobTypeBlocks.limits(p + ".limits", n.get("limits"), executor),
          JobTypeBlocks.process(p + ".process", n.get("process"), params.keySet()),
          JobTypeBlocks.http(p + ".http", n.get("http"), params.keySet()),
          duration(p + ".maxQueueTime", n, "maxQueueTime", null),
          JobTypeBlocks.priorities(p + ".priorities", n.get("priorities")));
    }

    private static void checkKeys(String prefix, JsonNode n, Set<String> allowed) {
      JobTypeBlocks.checkKeys(prefix, n, allowed);
    }

    private static String text(JsonNode n, String field, String dflt) {
      return JobTypeBlocks.text(n, field, dflt);
    }

    private static Duration duration(String key, JsonNode n, String field, Duration dflt) {
      return JobTypeBlocks.duration(key, n, field, dflt);
    }
  }
}
