package dev.runex.connectors.webhook;

import dev.runex.connectors.ConnectorsVersion;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Sends every record of its topics (runex's results, or any other) to an HTTP endpoint, one signed
 * JSON POST per record, at least once: a record's offset is committed only after the endpoint
 * answered 2xx or the record went to Connect's errant-record reporter (the dead-letter topic). See
 * {@link WebhookSinkConfig} for the settings and {@link WebhookSinkTask} for the delivery contract.
 */
public final class WebhookSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new WebhookSinkConfig(props); // fails the connector's start on an invalid value
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return WebhookSinkTask.class;
  }

  /** Every task gets the same settings; Connect spreads the topics' partitions among them. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {
    props = null;
  }

  @Override
  public ConfigDef config() {
    return WebhookSinkConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return ConnectorsVersion.get();
  }
}
