package dev.runex.topology.cron;

import dev.runex.config.CronExpression;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules stage, first step: reads the {@code schedules} topic (key schedule name; value a {@code
 * Schedule} as Confluent-framed Avro or JSON; null deletes) and forwards valid definitions, named
 * by their key, and deletions. A definition that cannot be read, or whose cron expression or zone
 * is invalid, is logged and ignored — the schedule keeps its previous definition — so bad input
 * never stops the topology. An unreachable schema registry is not bad input: the exception
 * propagates, so the definition is read again once the registry answers, not ignored for good.
 */
public final class ScheduleDecoder implements Processor<String, byte[], String, Schedule> {
  private static final Logger log = LoggerFactory.getLogger(ScheduleDecoder.class);

  private final Deserializer<Schedule> values;
  private final String topic;
  private ProcessorContext<String, Schedule> context;

  public ScheduleDecoder(Deserializer<Schedule> values, String topic) {
    this.values = values;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<String, Schedule> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String name = record.key();
    if (name == null || name.isBlank()) {
      log.warn("Ignoring a record without a schedule name (key) on {}", topic);
      return;
    }
    if (record.value() == null) {
      context.forward(new Record<>(name, null, record.timestamp()));
      return;
    }
    try {
      Schedule schedule = values.deserialize(topic, record.value());
      schedule.setName(name); // the key names it: compaction and deletion go by the key
      check(schedule, Instant.ofEpochMilli(context.currentSystemTimeMs()));
      context.forward(new Record<>(name, schedule, record.timestamp()));
    } catch (SchemaRegistryUnavailableException e) {
      throw e; // not the definition's fault: it is read again once the registry answers
    } catch (RuntimeException e) {
      log.warn(
          "Ignoring schedule '{}' on {}: {} (its previous definition, if any, stays)",
          name,
          topic,
          e.getMessage());
    }
  }

  private static void check(Schedule s, Instant now) {
    CronExpression cron = CronExpression.parse(s.getCron());
    ZoneId zone;
    try {
      zone = ZoneId.of(s.getZone());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("zone '" + s.getZone() + "' is not a time zone id");
    }
    if (cron.next(now, zone) == null) {
      throw new IllegalArgumentException("cron '" + s.getCron() + "' never fires");
    }
    if (s.getJob().getType().isBlank() || s.getJob().getTenant().isBlank()) {
      throw new IllegalArgumentException("its job needs a type and a tenant");
    }
  }
}
