package dev.runex.topology.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The direct path's events node: the held transitions of a job become one record, none lost. */
class DirectPathEventsTest {
  private final MockProcessorContext<String, JobEvent> context = new MockProcessorContext<>();
  private final DirectPathEvents node = new DirectPathEvents("sink");

  @Test
  void heldTransitionsAreWrittenAsOneRecordWhenThePathEnds() {
    node.init(context);

    pipe(event("j1", JobEventKind.RECEIVED));
    pipe(event("j1", JobEventKind.VALIDATED));
    pipe(event("j1", JobEventKind.SCHEDULED));
    assertThat(context.forwarded()).as("nothing before the path ends").isEmpty();
    pipe(new Record<>("j1", null, 1L));

    List<CapturedForward<? extends String, ? extends JobEvent>> out = context.forwarded();
    assertThat(out).singleElement().satisfies(f -> assertThat(f.childName()).hasValue("sink"));
    assertThat(Lifecycle.transitions(out.get(0).record().value()))
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.SCHEDULED);
  }

  @Test
  void anotherJobsEventWritesTheHeldOnesFirstAndAnEmptyEndWritesNothing() {
    node.init(context);

    pipe(new Record<>("j0", null, 1L));
    pipe(event("j1", JobEventKind.RECEIVED));
    pipe(event("j2", JobEventKind.RECEIVED));
    pipe(new Record<>("j2", null, 1L));

    assertThat(context.forwarded())
        .extracting(f -> f.record().value().getJobId())
        .containsExactly("j1", "j2");
  }

  private void pipe(JobEvent e) {
    pipe(new Record<>(e.getJobId(), e, 1L));
  }

  private void pipe(Record<String, JobEvent> r) {
    node.process(r);
  }

  private static JobEvent event(String id, JobEventKind kind) {
    return Lifecycle.event(id, "demo", "echo", kind, "intake", "t1", null, 1L);
  }
}
