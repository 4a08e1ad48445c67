package dev.runex.topology.cron;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.ScheduleState;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.monitoring.StageCounters;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the schedules stage:
 *
 * <ol>
 *   <li>{@code schedules} (key name) → {@link ScheduleDecoder} → the Streams-created {@code
 *       <application.id>-schedules-by-name-repartition} topic;
 *   <li>{@code results} (key job id) → {@link CompletionRouter} (scheduled jobs only, re-keyed by
 *       schedule name) → {@code <application.id>-schedule-completions-repartition};
 *   <li>both, merged → {@link ScheduleFirer} (stores {@code schedule-state}, {@code schedule-due},
 *       changelogged) → {@code intake}.
 * </ol>
 *
 * Both inputs pass through a repartition topic with the same explicit partition count ({@code
 * runex.topics.partitions}), so a schedule's definition and its jobs' results always meet in the
 * one task that owns the schedule, whatever the partition counts of the external topics.
 */
public final class SchedulesSubtopology {
  public static final String SCHEDULES_SOURCE = "schedules-source";
  public static final String RESULTS_SOURCE = "schedule-results-source";
  public static final String BY_NAME = "schedules-by-name";
  public static final String COMPLETIONS = "schedule-completions";
  public static final String TO_INTAKE = "schedules-intake-sink";
  public static final String DECODER = "schedules-decode";
  public static final String COMPLETION_ROUTER = "schedule-completions-route";
  public static final String FIRER = "schedules-fire";

  private SchedulesSubtopology() {}

  public static void add(
      StreamsBuilder b, RunexConfig cfg, RunexTopics topics, StageCounters counters) {
    int partitions = cfg.intValue(Settings.TOPIC_PARTITIONS);
    Serde<Schedule> schedules = AvroSerdes.confluent(topics.registry(), Schedule.class);
    KStream<String, ScheduleInput> definitions =
        b.stream(
                topics.schedules().name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withName(SCHEDULES_SOURCE)
                    .withOffsetResetPolicy(AutoOffsetReset.earliest()))
            .process(
                () ->
                    new ScheduleDecoder(
                        topics.schedules().valueSerde().deserializer(), topics.schedules().name()),
                Named.as(DECODER))
            .repartition(
                Repartitioned.with(Serdes.String(), schedules)
                    .withName(BY_NAME)
                    .withNumberOfPartitions(partitions))
            .mapValues(ScheduleInput.Definition::new, Named.as("schedules-definition"));
    // earliest: a result written before this application first ran may still finish a schedule's
    // job
    KStream<String, ScheduleInput> completions =
        b.stream(
                topics.results().name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withName(RESULTS_SOURCE)
                    .withOffsetResetPolicy(AutoOffsetReset.earliest()))
            .process(
                () ->
                    new CompletionRouter(
                        topics.results().valueSerde().deserializer(), topics.results().name()),
                Named.as(COMPLETION_ROUTER))
            .repartition(
                Repartitioned.with(Serdes.String(), Serdes.String())
                    .withName(COMPLETIONS)
                    .withNumberOfPartitions(partitions))
            .mapValues(ScheduleInput.Completed::new, Named.as("schedule-completion"));
    b.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ScheduleFirer.STATE),
                Serdes.String(),
                AvroSerdes.confluent(topics.registry(), ScheduleState.class))
            .withLoggingEnabled(Map.of())
            .withCachingDisabled());
    b.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ScheduleFirer.DUE), Serdes.String(), Serdes.String())
            .withLoggingEnabled(Map.of())
            .withCachingDisabled());
    definitions
        .merge(completions, Named.as("schedules-merge"))
        .process(
            () -> new ScheduleFirer(cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL), counters),
            Named.as(FIRER),
            ScheduleFirer.STATE,
            ScheduleFirer.DUE)
        .to(
            topics.intake().name(),
            Produced.with(
                    Serdes.ByteArray(), AvroSerdes.confluent(topics.registry(), JobRequest.class))
                .withName(TO_INTAKE));
  }
}
