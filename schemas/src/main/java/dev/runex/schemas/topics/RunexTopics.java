package dev.runex.schemas.topics;

import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.json.AvroJsonReader;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.schemas.serde.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The typed registry of runex topics (names from {@code runex.topicPrefix}). Internal topics
 * (validated, scheduled.&lt;pool&gt;[.high|.low], retry, admission, feedback, control) are always
 * Confluent-framed Avro; the external ones (results, dead-letter, events) are written as {@code
 * runex.outputFormat} says and read in either encoding. Intake values stay raw bytes: decoding them
 * is the intake stage's job, so undecodable input becomes a dead letter instead of a stopped
 * consumer. Intake and dead-letter keys are raw bytes too, so a dead letter keeps exactly the key
 * its producer wrote.
 */
public final class RunexTopics {
  private final String prefix;
  private final SchemaRegistryClient registry;
  private final OutputFormat outputFormat;
  private final int partitions;
  private final short replication;
  private final long retentionMs;

  public RunexTopics(TopicLayout layout, SchemaRegistryClient registry) {
    this.prefix = layout.prefix();
    this.registry = registry;
    this.outputFormat = layout.outputFormat();
    this.partitions = layout.partitions();
    this.replication = layout.replication();
    this.retentionMs = layout.retentionMs();
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  /**
   * The same topics with serdes talking to {@code other} (e.g. a client that waits out outages).
   */
  public RunexTopics withRegistry(SchemaRegistryClient other) {
    return new RunexTopics(
        new TopicLayout(prefix, outputFormat, partitions, replication, retentionMs), other);
  }

  public Topic<byte[], byte[]> intake() {
    return new Topic<>(prefix + "intake", Serdes.ByteArray(), Serdes.ByteArray());
  }

  public Topic<String, Job> validated() {
    return new Topic<>(
        prefix + "validated", Serdes.String(), AvroSerdes.confluent(registry, Job.class));
  }

  /** The pool's NORMAL-priority topic, {@code scheduled.<pool>}. */
  public Topic<String, Job> scheduled(String pool) {
    return scheduled(pool, JobPriority.NORMAL);
  }

  /**
   * The pool's topic for one priority: {@code scheduled.<pool>} for NORMAL (the name it always
   * had), {@code scheduled.<pool>.high} and {@code scheduled.<pool>.low} for the others. Kafka
   * partitions are FIFO, so priorities need topics of their own for high work to overtake a low
   * backlog.
   */
  public Topic<String, Job> scheduled(String pool, JobPriority priority) {
    String base = prefix + "scheduled." + pool;
    String name = priority == JobPriority.NORMAL ? base : base + "." + PriorityNames.of(priority);
    return new Topic<>(name, Serdes.String(), AvroSerdes.confluent(registry, Job.class));
  }

  public Topic<String, Job> retry() {
    return new Topic<>(
        prefix + "retry", Serdes.String(), AvroSerdes.confluent(registry, Job.class));
  }

  /**
   * Jobs on their way into the quota gate (key: tenant, so one task sees all of a tenant's work).
   * Only jobs of tenants (or tenant × job type) with a quota take this path.
   */
  public Topic<String, Job> admission() {
    return new Topic<>(
        prefix + "admission", Serdes.String(), AvroSerdes.confluent(registry, Job.class));
  }

  /**
   * What workers (and topology stages that end a job themselves) tell the topology, one typed
   * {@code Feedback} record per fact, written in the transaction of the job's result or retry: a
   * quota slot handed back (key: tenant) or a scheduled run finished (key: schedule name). Each
   * record is keyed for the stage that reads it ({@code FeedbackRecords#key}); the topic has the
   * same partition count as {@code admission} and the schedules stage's repartition topic, so each
   * reaches the task that owns its tenant or schedule.
   */
  public Topic<String, Feedback> feedback() {
    return new Topic<>(
        prefix + "feedback", Serdes.String(), AvroSerdes.confluent(registry, Feedback.class));
  }

  public Topic<String, JobResult> results() {
    return new Topic<>(prefix + "results", Serdes.String(), external(JobResult.class));
  }

  public Topic<byte[], DeadLetter> deadLetter() {
    return new Topic<>(prefix + "dead-letter", Serdes.ByteArray(), external(DeadLetter.class));
  }

  public Topic<String, JobEvent> events() {
    return new Topic<>(prefix + "events", Serdes.String(), external(JobEvent.class));
  }

  /**
   * Recurring schedules (key: schedule name; a tombstone deletes one). Compacted: the topic is the
   * current set of schedules. Written as Confluent-framed Avro (or JSON, per runex.outputFormat)
   * and read in either encoding, so users may write JSON.
   */
  public Topic<String, Schedule> schedules() {
    return new Topic<>(prefix + "schedules", Serdes.String(), external(Schedule.class));
  }

  /**
   * Operator commands (key: target, {@code job:<id>}, {@code tenant:<t>}, {@code type:<t>}, {@code
   * pool:<p>}). Compacted: the latest command per target is the state, kept forever.
   */
  public Topic<String, ControlCommand> control() {
    return new Topic<>(
        prefix + "control", Serdes.String(), AvroSerdes.confluent(registry, ControlCommand.class));
  }

  /**
   * The operator audit trail (key: the acting key's name; value: one JSON object per action, e.g. a
   * dead-letter replay: who, when, what, how many). Plain JSON so any consumer can read it.
   */
  public Topic<String, String> audit() {
    return new Topic<>(prefix + "audit", Serdes.String(), Serdes.String());
  }

  /** Every topic the runtime needs for these pools, with partitions, replication and retention. */
  public List<NewTopic> newTopics(Collection<String> pools) {
    List<String> names =
        new ArrayList<>(
            List.of(
                intake().name(),
                validated().name(),
                retry().name(),
                admission().name(),
                feedback().name(),
                results().name(),
                deadLetter().name(),
                events().name(),
                audit().name()));
    pools.forEach(
        p -> {
          for (JobPriority priority : JobPriority.values()) {
            names.add(scheduled(p, priority).name());
          }
        });
    List<NewTopic> out = new ArrayList<>();
    for (String n : names) {
      out.add(
          new NewTopic(n, partitions, replication)
              .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs))));
    }
    out.add(
        new NewTopic(schedules().name(), partitions, replication)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    // compacted, not deleted by age: a pause or a cancel holds until it is revoked
    out.add(
        new NewTopic(control().name(), partitions, replication)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    return out;
  }

  /**
   * Reads what either encoding wrote: Confluent framing starts with the magic byte 0, JSON never
   * does. A topic switched from avro to json (or back) stays readable across the switch.
   */
  private static <T extends SpecificRecord> Deserializer<T> eitherEncoding(
      Deserializer<T> avro, AvroJsonReader<T> json) {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      if (data.length > 0 && data[0] == 0) {
        return avro.deserialize(topic, data);
      }
      try {
        return json.read(data);
      } catch (IllegalArgumentException e) {
        throw new SerializationException(
            "record on " + topic + " is neither Confluent-framed Avro nor its JSON form", e);
      }
    };
  }

  private <T extends SpecificRecord> Serde<T> external(Class<T> type) {
    Serde<T> avro = AvroSerdes.confluent(registry, type);
    Serializer<T> writer =
        outputFormat == OutputFormat.AVRO
            ? avro.serializer()
            : (topic, data) -> data == null ? null : AvroJson.toBytes(data);
    return Serdes.serdeFrom(
        writer, eitherEncoding(avro.deserializer(), new AvroJsonReader<>(type)));
  }
}
