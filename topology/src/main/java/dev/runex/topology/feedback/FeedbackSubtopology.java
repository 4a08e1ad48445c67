package dev.runex.topology.feedback;

import dev.runex.schemas.Feedback;
import dev.runex.schemas.topics.RunexTopics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Wires the one channel from workers (and the topology's own result-making stages) back to the
 * topology: {@code feedback} → {@link FeedbackRouter} → quota releases (key tenant) to the quota
 * gate, finished scheduled runs (key schedule name) to the schedules stage.
 *
 * <p>Both consumers read the same source, so the quota gate and the schedule firer share one
 * sub-topology (and its tasks). The writers key each record for its consumer and {@code feedback}
 * has {@code runex.topics.partitions} partitions like {@code admission} and the schedules stage's
 * repartition topic, so partition n of each holds the same tenants and schedules: no repartition.
 */
public final class FeedbackSubtopology {
  public static final String SOURCE = "feedback-source";
  public static final String ROUTER = "feedback-route";
  public static final String RUNS_FINISHED = "feedback-runs-finished";

  private FeedbackSubtopology() {}

  /**
   * Adds the source and router; the quota releases go to node {@code quotaGate}, which must be
   * added (after {@link StreamsBuilder#build()}) with {@link #ROUTER} as a parent. Returns the
   * finished scheduled runs, keyed by schedule name.
   */
  @SuppressWarnings("unchecked")
  public static KStream<String, Feedback> add(
      StreamsBuilder b, RunexTopics topics, String quotaGate) {
    String topic = topics.feedback().name();
    // earliest: feedback written before this application first ran still frees slots and runs
    KStream<String, Object> routed =
        b.stream(
                topic,
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withName(SOURCE)
                    .withOffsetResetPolicy(AutoOffsetReset.earliest()))
            .process(
                () ->
                    new FeedbackRouter(
                        topics.feedback().valueSerde().deserializer(),
                        topic,
                        quotaGate,
                        RUNS_FINISHED),
                Named.as(ROUTER));
    // a named node for the router to forward finished runs to (it forwards only Feedback there)
    return ((KStream<String, Feedback>) (KStream<?, ?>) routed)
        .mapValues(f -> f, Named.as(RUNS_FINISHED));
  }
}
