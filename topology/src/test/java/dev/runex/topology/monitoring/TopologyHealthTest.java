package dev.runex.topology.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.health.HealthReport;
import dev.runex.monitoring.health.HealthReport.Check;
import dev.runex.topology.monitoring.TopologyHealth.ClientView;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyHealthTest {

  @Test
  void runningClientWithNothingRestoringIsLiveAndReady() {
    ClientView v = new ClientView("app", State.RUNNING, 2, 0, 6);

    assertThat(TopologyHealth.liveness(v, false).up()).isTrue();
    Check ready = TopologyHealth.readiness(v, false);
    assertThat(ready.up()).isTrue();
    assertThat(ready.detail()).contains("6 active task(s)");
  }

  @Test
  void restoringClientIsLiveButNotReady() {
    ClientView v = new ClientView("app", State.RUNNING, 1, 3, 6);

    assertThat(TopologyHealth.liveness(v, false).up()).isTrue();
    Check ready = TopologyHealth.readiness(v, false);
    assertThat(ready.up()).isFalse();
    assertThat(ready.detail()).contains("restoring 3 store partition(s)");
  }

  @Test
  void rebalancingClientIsLiveButNotReady() {
    ClientView v = new ClientView("app", State.REBALANCING, 1, 0, 0);

    assertThat(TopologyHealth.liveness(v, false).up()).isTrue();
    assertThat(TopologyHealth.readiness(v, false).detail()).startsWith("REBALANCING");
    assertThat(TopologyHealth.readiness(v, false).up()).isFalse();
  }

  @Test
  void clientWhoseStreamThreadsAllDiedIsNotLive() {
    ClientView v = new ClientView("app", State.RUNNING, 0, 0, 0);

    Check live = TopologyHealth.liveness(v, false);
    assertThat(live.up()).isFalse();
    assertThat(live.detail()).contains("no stream thread is alive");
  }

  @Test
  void failedClientIsNotLive() {
    for (State s : List.of(State.ERROR, State.PENDING_ERROR)) {
      assertThat(TopologyHealth.liveness(new ClientView("app", s, 0, 0, 0), false).up())
          .as(s.toString())
          .isFalse();
    }
  }

  @Test
  void clientThatStoppedByItselfIsNotLiveButOneThatIsBeingStoppedIs() {
    ClientView v = new ClientView("app", State.NOT_RUNNING, 0, 0, 0);

    assertThat(TopologyHealth.liveness(v, false).up()).isFalse();
    assertThat(TopologyHealth.liveness(v, true).up()).isTrue();
    assertThat(TopologyHealth.readiness(v, true).up()).isFalse();
  }

  @Test
  void stoppingProcessIsNoLongerReady() {
    ClientView v = new ClientView("app", State.RUNNING, 1, 0, 4);

    assertThat(TopologyHealth.readiness(v, true).up()).isFalse();
  }

  @Test
  void restoreListenerCountsStorePartitionsUntilTheyEndOrMove() {
    RestoringStores restoring = new RestoringStores();
    TopicPartition p0 = new TopicPartition("app-delay-index-changelog", 0);
    TopicPartition p1 = new TopicPartition("app-delay-index-changelog", 1);

    restoring.onRestoreStart(p0, "delay-index", 0, 100);
    restoring.onRestoreStart(p1, "delay-index", 0, 100);
    assertThat(restoring.count()).isEqualTo(2);

    restoring.onRestoreEnd(p0, "delay-index", 100);
    restoring.onRestoreSuspended(p1, "delay-index", 40);
    assertThat(restoring.count()).isZero();
  }

  @Test
  void realClientReportsNotStartedThenStoppedByItself(@TempDir Path state) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      RestoringStores restoring = new RestoringStores();
      streams.setGlobalStateRestoreListener(restoring);
      TopologyHealth health =
          new TopologyHealth(
              List.of(new TopologyHealth.Watched("health-test", streams, restoring)));

      assertThat(health.liveness().up()).isTrue();
      HealthReport ready = health.readiness();
      assertThat(ready.up()).isFalse();
      assertThat(ready.reasons()).containsExactly("streams:health-test: not started yet");

      streams.close(); // without stopping(): as if the client had shut itself down

      assertThat(streams.state()).isEqualTo(State.NOT_RUNNING);
      assertThat(health.liveness().up()).isFalse();
      assertThat(health.liveness().reasons().get(0)).contains("stopped by itself");
    }
  }
}
