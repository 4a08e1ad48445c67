package dev.runex.topology.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.topology.TestConfigs;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CancelledJobsTest {
  private final KeyValueStore<String, ControlCommand> commands = store();
  private final CancelledJobs cancels = new CancelledJobs(commands);

  @AfterEach
  void close() {
    commands.close();
  }

  @Test
  void eachCancelIsNewOnceAndTheMemoryShrinksWithTheTable() {
    for (int i = 0; i < 100; i++) {
      cancel("job-" + i);
    }
    commands.put(
        ControlTargets.tenant("acme"),
        ControlTargets.command(
            ControlTargets.tenant("acme"), ControlAction.PAUSE, "ops", null, Instant.EPOCH));

    assertThat(cancels.newlyCancelled()).hasSize(100);
    assertThat(cancels.newlyCancelled()).isEmpty();

    // the retention sweep deletes the old cancels; two new ones come
    for (int i = 0; i < 100; i++) {
      commands.delete(ControlTargets.job("job-" + i));
    }
    cancel("job-100");
    cancel("job-101");

    assertThat(cancels.newlyCancelled()).containsExactlyInAnyOrder("job-100", "job-101");
    assertThat(cancels.remembered()).as("cancels remembered as seen").isEqualTo(2);

    // a cancel of a job requested again after its first was swept is new again
    cancel("job-7");
    assertThat(cancels.newlyCancelled()).containsExactly("job-7");
  }

  private void cancel(String jobId) {
    String target = ControlTargets.job(jobId);
    commands.put(
        target, ControlTargets.command(target, ControlAction.CANCEL, "ops", null, Instant.EPOCH));
  }

  private static KeyValueStore<String, ControlCommand> store() {
    KeyValueStore<String, ControlCommand> s =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("control-commands"),
                Serdes.String(),
                TestConfigs.topics(TestConfigs.config()).control().valueSerde())
            .withLoggingDisabled()
            .withCachingDisabled()
            .build();
    s.init(new MockProcessorContext<>().getStateStoreContext(), s);
    return s;
  }
}
