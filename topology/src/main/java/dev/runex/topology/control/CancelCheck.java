package dev.runex.topology.control;

import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The cancel check of a job that skips the delay index (intake's direct dispatch): what the delay
 * index does on arrival, for a job that never arrives there.
 *
 * <ul>
 *   <li>input: a due job (key job id);
 *   <li>cancelled (a CANCEL for {@code job:<id>} in the global {@link ControlStore}, e.g. sent
 *       before the job reached the topology) → its CANCELLED result on {@link Outputs#results()}
 *       and CANCELLED event on {@link Outputs#events()} (both keyed by job id), the same records
 *       the delay index writes; it is never scheduled;
 *   <li>otherwise → {@link Outputs#next()} unchanged (the expiry check, then the pool dispatcher).
 * </ul>
 *
 * <p>Global stores are readable from any task, so the check runs in intake's task and transaction.
 * The node names come from the sub-topology that wires it.
 */
public final class CancelCheck implements Processor<String, Job, String, Object> {
  /**
   * The nodes the check forwards to.
   *
   * @param next jobs not cancelled
   * @param results CANCELLED results ({@code results}, through {@code ResultFeedback})
   * @param events CANCELLED events ({@code events})
   */
  public record Outputs(String next, String results, String events) {}

  private final String instanceId;
  private final Outputs out;
  private ProcessorContext<String, Object> context;
  private CancelledJobs cancels;

  public CancelCheck(String instanceId, Outputs out) {
    this.instanceId = instanceId;
    this.out = out;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    KeyValueStore<String, ControlCommand> commands = context.getStateStore(ControlStore.NAME);
    this.cancels = new CancelledJobs(commands);
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    ControlCommand cancel = cancels.cancelOf(job.getId());
    if (cancel == null) {
      context.forward(record, out.next());
    } else {
      CancelledJobs.forward(
          context,
          job,
          cancel,
          instanceId,
          context.currentSystemTimeMs(),
          "intake stage",
          out.results(),
          out.events());
    }
  }
}
