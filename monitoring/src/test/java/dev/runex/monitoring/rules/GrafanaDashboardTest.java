package dev.runex.monitoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard is a valid Grafana dashboard model: it validates against the JSON schema
 * generated from {@code @grafana/schema} ({@code grafana/schema/dashboard.schema.json}, see its
 * {@code generate.sh}), which also refuses fields Grafana does not know; its panels have unique ids
 * and query the dashboard's Prometheus data source.
 */
class GrafanaDashboardTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void dashboardValidatesAgainstGrafanasDashboardSchema() throws IOException {
    List<Error> errors = validate(Files.readString(MonitoringFiles.DASHBOARD));

    assertThat(errors).as("schema errors in %s", MonitoringFiles.DASHBOARD).isEmpty();
  }

  @Test
  void schemaRefusesWhatGrafanaDoesNotKnow() throws IOException {
    // given: the dashboard with a misspelt panel field and a grid position missing its height
    JsonNode dashboard = JSON.readTree(MonitoringFiles.DASHBOARD.toFile());
    com.fasterxml.jackson.databind.node.ObjectNode panel =
        (com.fasterxml.jackson.databind.node.ObjectNode) dashboard.get("panels").get(1);
    panel.put("gridpos", "typo");
    ((com.fasterxml.jackson.databind.node.ObjectNode) panel.get("gridPos")).remove("h");

    // when
    List<Error> errors = validate(JSON.writeValueAsString(dashboard));

    // then
    assertThat(errors).extracting(Error::getMessage).anyMatch(m -> m.contains("gridpos"));
    assertThat(errors).extracting(Error::getMessage).anyMatch(m -> m.contains("h"));
  }

  @Test
  void panelsHaveUniqueIdsAndQueryTheDashboardsDataSource() throws IOException {
    JsonNode dashboard = JSON.readTree(MonitoringFiles.DASHBOARD.toFile());
    Set<Integer> ids = new HashSet<>();
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id").asInt())).as("unique id %s", panel.get("id")).isTrue();
      if ("row".equals(panel.get("type").asText())) {
        continue;
      }
      assertThat(panel.at("/datasource/uid").asText()).as(title(panel)).isEqualTo("${datasource}");
      assertThat(panel.get("targets")).as(title(panel)).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.path("expr").asText()).as(title(panel)).isNotBlank();
        queries.add(target.get("expr").asText());
      }
    }
    assertThat(queries).anyMatch(q -> q.contains("runex_backlog_oldest_age_seconds"));
  }

  private static String title(JsonNode panel) {
    return "panel " + panel.path("title").asText();
  }

  private static List<Error> validate(String dashboard) throws IOException {
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(Files.readString(MonitoringFiles.DASHBOARD_SCHEMA), InputFormat.JSON);
    return schema.validate(dashboard, InputFormat.JSON);
  }
}
