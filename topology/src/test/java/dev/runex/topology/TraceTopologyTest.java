package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import dev.runex.schemas.lifecycle.TraceParents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The submitter's W3C traceparent travels from the intake record to the job's scheduled record. */
class TraceTopologyTest {
  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<byte[], byte[]> intake;
  private TestOutputTopic<String, Job> scheduled;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    intake = h.input(h.topics.intake());
    scheduled = h.output(h.topics.scheduled("default"));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aValidTraceparentOnTheIntakeRecordIsKeptWithTheJobAndWrittenOnItsScheduledRecord() {
    // when
    submit("traced", TRACE + " ", "");

    // then
    TestRecord<String, Job> out = scheduled.readRecord();
    assertThat(out.value().getTraceParent()).isEqualTo(TRACE);
    Header header = out.headers().lastHeader(TraceParents.HEADER);
    assertThat(header).isNotNull();
    assertThat(new String(header.value(), StandardCharsets.UTF_8)).isEqualTo(TRACE);
  }

  @Test
  void aDelayedJobKeepsItsTraceThroughTheDelayIndex() {
    // when
    submit("later", TRACE, ",\"delay\":\"PT10S\"");
    h.advance(java.time.Duration.ofSeconds(11));

    // then
    TestRecord<String, Job> out = scheduled.readRecord();
    assertThat(out.value().getId()).isEqualTo("later");
    assertThat(
            new String(
                out.headers().lastHeader(TraceParents.HEADER).value(), StandardCharsets.UTF_8))
        .isEqualTo(TRACE);
  }

  @Test
  void anInvalidOrMissingTraceparentIsIgnoredAndTheJobStillRuns() {
    // when
    submit("bad-trace", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "");
    submit("garbage-trace", "hello", "");
    submit("no-trace", null, "");

    // then
    java.util.List<TestRecord<String, Job>> all = scheduled.readRecordsToList();
    assertThat(all).hasSize(3);
    for (TestRecord<String, Job> out : all) {
      assertThat(out.value().getTraceParent()).as(out.value().getId()).isNull();
      assertThat(out.headers().lastHeader(TraceParents.HEADER)).as(out.value().getId()).isNull();
    }
  }

  private void submit(String id, String traceparent, String extra) {
    RecordHeaders headers = new RecordHeaders();
    if (traceparent != null) {
      headers.add(TraceParents.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
    }
    String json =
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}" + extra + "}";
    intake.pipeInput(
        new TestRecord<>(
            id.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8),
            headers,
            h.now()));
  }
}
