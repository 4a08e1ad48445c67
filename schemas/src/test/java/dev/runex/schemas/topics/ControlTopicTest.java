package dev.runex.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.serde.SchemaRegistryClient;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class ControlTopicTest {
  private final RunexTopics topics =
      new RunexTopics(
          TestLayouts.DEFAULT, SchemaRegistryClient.forUrl("mock://control-topic-test"));

  @Test
  void createsTheControlTopicCompactedWithoutRetention() {
    // when
    List<NewTopic> created = topics.newTopics(List.of("default"));

    // then
    NewTopic control =
        created.stream()
            .filter(t -> t.name().equals(topics.control().name()))
            .findFirst()
            .orElseThrow();
    assertThat(control.name()).isEqualTo("runex.control");
    assertThat(control.configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
        .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
  }

  @Test
  void roundTripsACommandThroughTheTopicSerde() {
    // given
    Topic<String, ControlCommand> control = topics.control();
    ControlCommand pause =
        ControlTargets.command(
            ControlTargets.tenant("acme"),
            ControlAction.PAUSE,
            "ops",
            "incident",
            Instant.ofEpochMilli(1_000));

    // when
    byte[] bytes = control.valueSerde().serializer().serialize(control.name(), pause);
    ControlCommand read = control.valueSerde().deserializer().deserialize(control.name(), bytes);

    // then
    assertThat(read).isEqualTo(pause);
    assertThat(read.getTarget()).isEqualTo("tenant:acme");
  }
}
