package dev.runex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JobPayloadTest {

  @Test
  void echoRequestHasExactlyTheRequestedSizeAndIsAnEchoJobForDemo() throws Exception {
    // given a size larger than the bare request
    int size = 100;

    // when
    byte[] value = JobPayload.echoRequest(size);

    // then
    assertThat(value).hasSize(size);
    JsonNode json = new ObjectMapper().readTree(value);
    assertThat(json.get("type").asText()).isEqualTo("echo");
    assertThat(json.get("tenant").asText()).isEqualTo("demo");
    assertThat(json.get("params").get("message").asText()).matches("x+");
  }

  @Test
  void echoRequestNeverGetsSmallerThanTheBareRequest() throws Exception {
    byte[] value = JobPayload.echoRequest(1);

    assertThat(new ObjectMapper().readTree(value).get("params").get("message").asText()).isEmpty();
  }

  @Test
  void seqOfReadsBackTheSequenceOfItsOwnTagOnly() {
    String id = JobPayload.id("l", 1234);

    assertThat(JobPayload.seqOf("l", id)).isEqualTo(1234);
    assertThat(JobPayload.seqOf("p", id)).isEqualTo(-1);
    assertThat(JobPayload.seqOf("l", "l-x")).isEqualTo(-1);
    assertThat(JobPayload.seqOf("l", null)).isEqualTo(-1);
  }
}
