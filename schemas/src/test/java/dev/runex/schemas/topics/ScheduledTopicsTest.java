package dev.runex.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobPriority;
import dev.runex.schemas.serde.SchemaRegistryClient;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class ScheduledTopicsTest {
  private final RunexTopics topics =
      new RunexTopics(
          TestLayouts.DEFAULT, SchemaRegistryClient.forUrl("mock://scheduled-topics-test"));

  @Test
  void normalPriorityKeepsThePoolTopicAndTheOthersGetSuffixes() {
    assertThat(topics.scheduled("gpu", JobPriority.NORMAL).name()).isEqualTo("runex.scheduled.gpu");
    assertThat(topics.scheduled("gpu").name()).isEqualTo("runex.scheduled.gpu");
    assertThat(topics.scheduled("gpu", JobPriority.HIGH).name())
        .isEqualTo("runex.scheduled.gpu.high");
    assertThat(topics.scheduled("gpu", JobPriority.LOW).name())
        .isEqualTo("runex.scheduled.gpu.low");
  }

  @Test
  void createsAllThreePriorityTopicsForEveryPool() {
    // when
    List<String> names =
        topics.newTopics(List.of("default", "gpu")).stream().map(NewTopic::name).toList();

    // then
    assertThat(names)
        .contains(
            "runex.scheduled.default",
            "runex.scheduled.default.high",
            "runex.scheduled.default.low",
            "runex.scheduled.gpu",
            "runex.scheduled.gpu.high",
            "runex.scheduled.gpu.low");
  }
}
