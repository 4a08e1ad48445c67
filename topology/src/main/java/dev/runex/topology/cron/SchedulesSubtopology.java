package dev.runex.topology.cron;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Feedback;
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
 *   <li>{@code feedback} (read once by {@link dev.runex.topology.feedback.FeedbackRouter}): the
 *       {@code ScheduledRunFinished} records, which the writer of a scheduled job's final result (a
 *       worker, or the topology stage that ended the job) keyed by schedule name;
 *   <li>both, merged → {@link ScheduleFirer} (stores {@code schedule-state}, {@code schedule-due},
 *       changelogged) → {@code intake}.
 * </ol>
 *
 * The repartition topic and {@code feedback} have the same partition count ({@code
 * runex.topics.partitions}) and both are keyed by schedule name, so a schedule's definition and its
 * jobs' finished runs always meet in the one task that owns the schedule. The stage no longer reads
 * {@code results}: it used to scan every result for the schedule label and repartition the matches
 * through {@code <application.id>-schedule-completions-repartition}, which is now unused.
 */
public final class SchedulesSubtopology {
  public static final String SCHEDULES_SOURCE = "schedules-source";
  public static final String BY_NAME = "schedules-by-name";
  public static final String TO_INTAKE = "schedules-intake-sink";
  public static final String DECODER = "schedules-decode";
  public static final String FIRER = "schedules-fire";

  private SchedulesSubtopology() {}

  /**
   * Adds the stage; {@code runsFinished} are the finished runs read from {@code feedback} (key
   * schedule name), from {@link dev.runex.topology.feedback.FeedbackSubtopology}.
   */
  public static void add(
      StreamsBuilder b,
      RunexConfig cfg,
      RunexTopics topics,
      StageCounters counters,
      KStream<String, Feedback> runsFinished) {
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
    KStream<String, ScheduleInput> completions =
        runsFinished.mapValues(
            f -> new ScheduleInput.Completed(f.getJobId()), Named.as("schedule-completion"));
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
            () ->
                new ScheduleFirer(
                    cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL),
                    cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD),
                    counters),
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
