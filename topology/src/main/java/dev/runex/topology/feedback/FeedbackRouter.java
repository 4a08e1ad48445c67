package dev.runex.topology.feedback;

import dev.runex.schemas.Feedback;
import dev.runex.schemas.QuotaRelease;
import dev.runex.schemas.ScheduledRunFinished;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code feedback} (a {@code Feedback} record, Confluent-framed Avro, keyed for its consumer)
 * and routes each record by kind: a {@link QuotaRelease} as a {@link ReleaseNotice} keyed by tenant
 * to the quota gate, a {@link ScheduledRunFinished} as its {@code Feedback} keyed by schedule name
 * to the firing stage. The key is taken from the body, which the writer keyed the record by, so
 * both consumers run in this task without a repartition.
 *
 * <p>A record that is not a readable {@code Feedback} (not Avro, an unknown schema id, an unknown
 * kind) is logged with its coordinates and skipped: bad input never stops the stream thread. An
 * unreachable schema registry is not bad input: the topology's registry client waits for it, and if
 * it gives up (the topology is stopping) the exception propagates, so the record is read again, not
 * skipped; so does any failure that is not about the record's bytes.
 */
public final class FeedbackRouter implements Processor<String, byte[], String, Object> {
  private static final Logger log = LoggerFactory.getLogger(FeedbackRouter.class);

  private final Deserializer<Feedback> values;
  private final String topic;
  private final String quotaGate;
  private final String runsFinished;
  private ProcessorContext<String, Object> context;

  /**
   * @param quotaGate the node that takes quota releases
   * @param runsFinished the node that takes finished scheduled runs
   */
  public FeedbackRouter(
      Deserializer<Feedback> values, String topic, String quotaGate, String runsFinished) {
    this.values = values;
    this.topic = topic;
    this.quotaGate = quotaGate;
    this.runsFinished = runsFinished;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Feedback feedback = read(record);
    if (feedback == null) {
      return;
    }
    Object body = feedback.getBody();
    if (body instanceof QuotaRelease release) {
      context.forward(
          new Record<String, Object>(
              release.getTenant(), ReleaseNotice.of(feedback, release), record.timestamp()),
          quotaGate);
    } else if (body instanceof ScheduledRunFinished finished) {
      context.forward(
          new Record<String, Object>(finished.getSchedule(), feedback, record.timestamp()),
          runsFinished);
    } else {
      skip("an unknown kind of feedback: " + body, null);
    }
  }

  private Feedback read(Record<String, byte[]> record) {
    if (record.value() == null) {
      skip("a record without a value", null);
      return null;
    }
    try {
      return values.deserialize(topic, record.value());
    } catch (SchemaRegistryUnavailableException e) {
      throw e; // not the record's fault: it is read again once the registry answers
    } catch (SerializationException e) {
      skip("a record that is not a Feedback", e);
      return null;
    }
  }

  private void skip(String what, SerializationException cause) {
    String where = context.recordMetadata().map(FeedbackRouter::coordinates).orElse(topic);
    log.warn(
        "Skipping {} on {}: {}",
        what,
        where,
        cause == null ? "nothing to route" : String.valueOf(cause.getMessage()));
  }

  private static String coordinates(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }
}
