package dev.runex.topology.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Schedule;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.net.ConnectException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A schedule definition that cannot be read is ignored (the schedule keeps its previous
 * definition), but one that could not be read because the registry was away is read again.
 */
class ScheduleDecoderTest {
  @Test
  void anUnreadableDefinitionIsIgnoredButAnUnreachableRegistryIsNotTheDefinitionsFault() {
    MockProcessorContext<String, Schedule> context = new MockProcessorContext<>();
    ScheduleDecoder unreadable =
        decoder(
            (topic, bytes) -> {
              throw new SerializationException("not Avro");
            });
    unreadable.init(context);
    unreadable.process(new Record<>("nightly", new byte[] {1, 2, 3}, 0L));
    assertThat(context.forwarded()).isEmpty();

    ScheduleDecoder registryAway =
        decoder(
            (topic, bytes) -> {
              throw new SchemaRegistryUnavailableException(
                  "registry unreachable", new ConnectException("refused"));
            });
    registryAway.init(context);
    assertThatThrownBy(
            () -> registryAway.process(new Record<>("nightly", new byte[] {0, 0, 0, 0, 7}, 0L)))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
  }

  private static ScheduleDecoder decoder(Deserializer<Schedule> values) {
    return new ScheduleDecoder(values, "runex.schedules");
  }
}
