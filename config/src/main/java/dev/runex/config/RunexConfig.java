package dev.runex.config;

import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.OutputFormat;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.TopicLayout;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated, immutable configuration of a runex process: scalar settings ({@link Settings}),
 * job types, schedules and Kafka client pass-through settings. Built by {@link ConfigLoader}.
 */
public final class RunexConfig {
  private final Map<Setting, Object> values;
  private final Map<String, JobTypeSpec> jobTypes;
  private final KafkaOverrides kafka;
  private final Map<String, ScheduleSpec> schedules;
  private final Quotas quotas;
  private final GatewayKeys gatewayKeys;

  RunexConfig(
      Map<Setting, Object> values,
      Map<String, JobTypeSpec> jobTypes,
      KafkaOverrides kafka,
      Map<String, ScheduleSpec> schedules,
      Quotas quotas,
      GatewayKeys gatewayKeys) {
    this.values = Map.copyOf(values);
    this.jobTypes = Collections.unmodifiableMap(new HashMap<>(jobTypes));
    this.kafka = kafka;
    this.schedules = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(schedules));
    this.quotas = quotas;
    this.gatewayKeys = gatewayKeys;
    outputFormat();
    SandboxMode.parse(string(Settings.WORKER_SANDBOX));
    gatewaySessionSecret();
  }

  /** The same config with one scalar setting replaced (validated like any other value). */
  public RunexConfig with(Setting setting, String value) {
    Map<Setting, Object> copy = new HashMap<>(values);
    copy.put(setting, setting.parse(value));
    return new RunexConfig(copy, jobTypes, kafka, schedules, quotas, gatewayKeys);
  }

  /** The same config with other job types. */
  public RunexConfig withJobTypes(Map<String, JobTypeSpec> types) {
    return new RunexConfig(values, types, kafka, schedules, quotas, gatewayKeys);
  }

  /** The same config with other schedules. */
  public RunexConfig withSchedules(Map<String, ScheduleSpec> declared) {
    return new RunexConfig(values, jobTypes, kafka, declared, quotas, gatewayKeys);
  }

  /** The same config with other tenant quotas. */
  public RunexConfig withQuotas(Quotas declared) {
    return new RunexConfig(values, jobTypes, kafka, schedules, declared, gatewayKeys);
  }

  /** The same config with other gateway API keys. */
  public RunexConfig withGatewayKeys(GatewayKeys keys) {
    return new RunexConfig(values, jobTypes, kafka, schedules, quotas, keys);
  }

  /**
   * The gateway's API keys ({@code runex.gateway.keys}) as configured: keys given by {@code env} or
   * {@code file} are references, read only when the gateway {@linkplain GatewayKeys#resolve
   * resolves} them, so other processes sharing this configuration need no access to them.
   */
  public GatewayKeys gatewayKeys() {
    return gatewayKeys;
  }

  /**
   * Where the gateway reads the secret that signs console login cookies ({@code
   * runex.gateway.sessionSecret}); empty when none is configured. Only the reference is held here:
   * the gateway reads the secret itself when it starts, so other processes sharing this
   * configuration need no access to it.
   */
  public Optional<SecretReference> gatewaySessionSecret() {
    String ref = string(Settings.GATEWAY_SESSION_SECRET);
    return ref.isBlank()
        ? Optional.empty()
        : Optional.of(SecretReference.parse(Settings.GATEWAY_SESSION_SECRET.key(), ref));
  }

  /**
   * Tenant quotas declared under {@code runex.quotas} ({@link Quotas#NONE} when there are none).
   */
  public Quotas quotas() {
    return quotas;
  }

  /** Schedules declared under {@code runex.schedules}, by name, in declaration order. */
  public Map<String, ScheduleSpec> schedules() {
    return schedules;
  }

  public String string(Setting s) {
    Object v = values.get(s);
    return v == null ? "" : v.toString();
  }

  public int intValue(Setting s) {
    return (Integer) values.get(s);
  }

  public long longValue(Setting s) {
    return (Long) values.get(s);
  }

  public boolean bool(Setting s) {
    return (Boolean) values.get(s);
  }

  /** A {@link Setting.Kind#SIZE} setting, in bytes. */
  public long bytes(Setting s) {
    return (Long) values.get(s);
  }

  public Duration duration(Setting s) {
    return (Duration) values.get(s);
  }

  public String bootstrapServers() {
    return string(Settings.BOOTSTRAP_SERVERS);
  }

  public String schemaRegistryUrl() {
    return string(Settings.SCHEMA_REGISTRY_URL);
  }

  public String topicPrefix() {
    return string(Settings.TOPIC_PREFIX);
  }

  public OutputFormat outputFormat() {
    String text = string(Settings.OUTPUT_FORMAT);
    try {
      return OutputFormat.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Settings.OUTPUT_FORMAT.key() + " " + e.getMessage());
    }
  }

  /** The topic registry this configuration names, against its schema registry. */
  public RunexTopics topics() {
    return new RunexTopics(topicLayout(), SchemaRegistryClient.forUrl(schemaRegistryUrl()));
  }

  /** What the topic registry needs: prefix, external encoding, and how topics are created. */
  public TopicLayout topicLayout() {
    return new TopicLayout(
        topicPrefix(),
        outputFormat(),
        intValue(Settings.TOPIC_PARTITIONS),
        (short) intValue(Settings.TOPIC_REPLICATION),
        duration(Settings.TOPIC_RETENTION).toMillis());
  }

  public SandboxMode sandboxMode() {
    return SandboxMode.parse(string(Settings.WORKER_SANDBOX));
  }

  public Map<String, JobTypeSpec> jobTypes() {
    return jobTypes;
  }

  /** The declared job type, or null. */
  public JobTypeSpec jobType(String name) {
    return jobTypes.get(name);
  }

  /** Every pool some job type runs in, plus the worker's own. */
  public Set<String> pools() {
    Set<String> pools = new TreeSet<>();
    jobTypes.values().forEach(t -> pools.add(t.pool()));
    return pools;
  }

  /**
   * The consumer group of a pool's workers, {@code <prefix>worker.<pool>}: its committed offsets on
   * the pool's scheduled topics are where the pool's backlog begins.
   */
  public String workerGroupId(String pool) {
    return topicPrefix() + "worker." + pool;
  }

  public KafkaOverrides kafka() {
    return kafka;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RunexConfig{");
    for (Setting s : Settings.ALL) {
      sb.append(s.key()).append('=').append(values.get(s)).append(", ");
    }
    return sb.append("jobTypes=").append(new TreeSet<>(jobTypes.keySet())).append('}').toString();
  }
}
