package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaWarmUpTest {

  @Test
  void registersTheValueSchemaOfEveryTopicADueJobIsWrittenTo() throws Exception {
    // given: a runtime with two pools (the test job types'), and a registry that records what it
    // is asked
    RunexConfig cfg = TestConfigs.config(Map.of());
    Recording registry = new Recording(TestConfigs.freshRegistry());
    RunexTopics topics = new RunexTopics(cfg.topicLayout(), registry);

    // when
    SchemaWarmUp.start(cfg, topics).join(10_000);

    // then: events, and each pool's scheduled topic of every priority
    Map<String, Schema> expected = new HashMap<>();
    expected.put(topics.events().name() + "-value", JobEvent.getClassSchema());
    for (String pool : List.of("default", "gpu")) {
      for (var p : dev.runex.schemas.JobPriority.values()) {
        expected.put(topics.scheduled(pool, p).name() + "-value", Job.getClassSchema());
      }
    }
    assertThat(cfg.pools()).containsExactlyInAnyOrder("default", "gpu");
    assertThat(registry.asked).containsExactlyInAnyOrderEntriesOf(expected);
  }

  /** Records every subject registered, and registers it in the registry it wraps. */
  static final class Recording implements SchemaRegistryClient {
    final Map<String, Schema> asked = new java.util.concurrent.ConcurrentHashMap<>();
    private final SchemaRegistryClient delegate;

    Recording(SchemaRegistryClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
      asked.put(subject, schema);
      return delegate.register(subject, schema);
    }

    @Override
    public Schema getById(int id) {
      return delegate.getById(id);
    }
  }
}
