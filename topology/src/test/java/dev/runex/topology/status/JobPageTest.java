package dev.runex.topology.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.json.AvroJson;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobPageTest {

  @Test
  void mergesSortedPartsIntoTheFirstPageAndATokenForTheRest() {
    // given: three partitions (or instances), each asked for limit + 1 = 3 jobs
    List<List<JsonNode>> parts = List.of(jobs("b", "e", "h"), jobs("a", "f"), jobs("c", "d", "g"));

    // when
    JobPage page = JobPage.merge(parts, 2);

    // then
    assertThat(page.jobs()).extracting(j -> j.path("jobId").asText()).containsExactly("a", "b");
    assertThat(JobPage.afterId(page.nextPageToken())).isEqualTo("b");
  }

  @Test
  void theLastPageHasNoToken() {
    JobPage page = JobPage.merge(List.of(jobs("a"), jobs("b")), 2);

    assertThat(page.jobs()).hasSize(2);
    assertThat(page.nextPageToken()).isNull();
  }

  @Test
  void idsAreOrderedAsTheirUtf8BytesLikeTheStores() {
    // 'é' (0xC3 0xA9) sorts after 'z' byte-wise; Java's String order agrees here, but not for every
    // pair
    JobPage page = JobPage.merge(List.of(jobs("é"), jobs("z", "\uD83D\uDE00"), jobs("\uFFFD")), 10);

    assertThat(page.jobs())
        .extracting(j -> j.path("jobId").asText())
        .containsExactly("z", "é", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void refusesATokenItDidNotIssue() {
    assertThatThrownBy(() -> JobPage.afterId("%%%"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a page token");
  }

  private static List<JsonNode> jobs(String... ids) {
    return Arrays.stream(ids)
        .map(id -> (JsonNode) AvroJson.MAPPER.createObjectNode().put("jobId", id))
        .toList();
  }
}
