package dev.runex.topology.intake;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The events node of intake's direct path: writes the transitions a job goes through on that path
 * (RECEIVED and VALIDATED from {@link IntakeProcessor}, then SCHEDULED from the pool dispatcher, or
 * CANCELLED from the cancel check, or EXPIRED from the expiry check) as ONE lifecycle record
 * ({@link Lifecycle#merge}), since they commit in one transaction anyway.
 *
 * <ul>
 *   <li>input: events (key job id), held in arrival order;
 *   <li>a record with a null value (sent by intake once the job has left the path) → the held
 *       events as one record on {@code sink} (key job id);
 *   <li>an event of another job than the held ones (not sent by the wiring; kept safe) → the held
 *       ones are written first, so no transition is lost or put in another job's record.
 * </ul>
 *
 * <p>Every record of the path is processed depth-first within one call of intake's processor, so
 * the held events never outlive the input record; {@link #init} starts empty after a task is
 * re-created.
 */
public final class DirectPathEvents implements Processor<String, JobEvent, String, JobEvent> {
  private final String sink;
  private final List<JobEvent> held = new ArrayList<>(3);
  private ProcessorContext<String, JobEvent> context;

  public DirectPathEvents(String sink) {
    this.sink = sink;
  }

  @Override
  public void init(ProcessorContext<String, JobEvent> context) {
    this.context = context;
    held.clear();
  }

  @Override
  public void process(Record<String, JobEvent> record) {
    JobEvent event = record.value();
    if (event == null) {
      write(record.timestamp());
      return;
    }
    if (!held.isEmpty() && !held.get(0).getJobId().equals(event.getJobId())) {
      write(record.timestamp());
    }
    held.add(event);
  }

  private void write(long timestamp) {
    if (held.isEmpty()) {
      return;
    }
    JobEvent merged = Lifecycle.merge(held);
    held.clear();
    context.forward(new Record<>(merged.getJobId(), merged, timestamp), sink);
  }
}
