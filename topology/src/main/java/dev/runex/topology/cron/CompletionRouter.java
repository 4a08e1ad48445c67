package dev.runex.topology.cron;

import dev.runex.schemas.JobResult;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules stage: picks, from {@code results} (key job id), the results of jobs a schedule fired
 * (label {@value ScheduledJobs#SCHEDULE_LABEL}) and forwards their job id keyed by schedule name,
 * so the firing stage learns that the schedule's job finished (overlap policies). Other results,
 * and records it cannot read, are passed over — most without decoding them: a result whose bytes do
 * not contain the label's name cannot carry it (Avro and runex's JSON both write map keys as plain
 * UTF-8), and this stage reads every result of every job.
 */
public final class CompletionRouter implements Processor<String, byte[], String, String> {
  private static final Logger log = LoggerFactory.getLogger(CompletionRouter.class);
  private static final byte[] LABEL = ScheduledJobs.SCHEDULE_LABEL.getBytes(StandardCharsets.UTF_8);

  private final Deserializer<JobResult> results;
  private final String topic;
  private ProcessorContext<String, String> context;

  public CompletionRouter(Deserializer<JobResult> results, String topic) {
    this.results = results;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || !contains(record.value(), LABEL)) {
      return;
    }
    JobResult result;
    try {
      result = results.deserialize(topic, record.value());
    } catch (RuntimeException e) {
      log.debug("Passing over an unreadable record on {}: {}", topic, e.getMessage());
      return;
    }
    String schedule = result.getLabels().get(ScheduledJobs.SCHEDULE_LABEL);
    if (schedule != null) {
      context.forward(new Record<>(schedule, result.getId(), record.timestamp()));
    }
  }

  /** Whether {@code bytes} contains {@code part} anywhere. */
  static boolean contains(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0, last = bytes.length - part.length; i <= last; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
