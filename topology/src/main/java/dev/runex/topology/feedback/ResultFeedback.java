package dev.runex.topology.feedback;

import dev.runex.schemas.Feedback;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.feedback.FeedbackRecords;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where a topology stage sends the final results it makes itself (REJECTED at intake, CANCELLED
 * while queued, EXPIRED before dispatch): each result goes to {@code results} ({@code
 * <node>-sink}), and the result of a job a schedule fired also tells the schedule its run finished,
 * a {@code ScheduledRunFinished} on {@code feedback} keyed by schedule name ({@code
 * <node>-feedback-sink}) — in the same transaction, as a worker does for the results it writes. So
 * the schedules stage learns of every finished run from {@code feedback} alone.
 */
public final class ResultFeedback implements Processor<String, JobResult, String, Object> {
  private final String resultsSink;
  private final String feedbackSink;
  private ProcessorContext<String, Object> context;

  private ResultFeedback(String node) {
    this.resultsSink = resultsSink(node);
    this.feedbackSink = feedbackSink(node);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, JobResult> record) {
    context.forward(record, resultsSink);
    Feedback finished =
        record.value() == null
            ? null
            : FeedbackRecords.runFinished(record.value(), context.currentSystemTimeMs());
    if (finished != null) {
      context.forward(
          new Record<String, Object>(FeedbackRecords.key(finished), finished, record.timestamp()),
          feedbackSink);
    }
  }

  /** Adds node {@code node} (and its two sinks) with these parents to a Processor API topology. */
  public static void addTo(Topology t, RunexTopics topics, String node, String... parents) {
    Topic<String, JobResult> results = topics.results();
    Topic<String, Feedback> feedback = topics.feedback();
    t.addProcessor(node, () -> new ResultFeedback(node), parents);
    t.addSink(
        resultsSink(node),
        results.name(),
        results.keySerde().serializer(),
        results.valueSerde().serializer(),
        node);
    t.addSink(
        feedbackSink(node),
        feedback.name(),
        feedback.keySerde().serializer(),
        feedback.valueSerde().serializer(),
        node);
  }

  /**
   * Adds node {@code node} (and its two sinks) as a child of {@code parent}, whose processor
   * forwards its results to {@code node} by name.
   */
  @SuppressWarnings("unchecked")
  public static void addTo(KStream<?, ?> parent, RunexTopics topics, String node) {
    KStream<String, Object> out =
        ((KStream<String, JobResult>) parent)
            .process(() -> new ResultFeedback(node), Named.as(node));
    Topic<String, JobResult> results = topics.results();
    Topic<String, Feedback> feedback = topics.feedback();
    ((KStream<String, JobResult>) (KStream<?, ?>) out)
        .to(
            results.name(),
            Produced.with(results.keySerde(), results.valueSerde()).withName(resultsSink(node)));
    ((KStream<String, Feedback>) (KStream<?, ?>) out)
        .to(
            feedback.name(),
            Produced.with(feedback.keySerde(), feedback.valueSerde()).withName(feedbackSink(node)));
  }

  private static String resultsSink(String node) {
    return node + "-sink";
  }

  private static String feedbackSink(String node) {
    return node + "-feedback-sink";
  }
}
