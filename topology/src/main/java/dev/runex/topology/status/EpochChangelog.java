package dev.runex.topology.status;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the changelog of the status application's epoch store ({@link StatusIndexes#EPOCHS})
 * before the application starts, as Kafka Streams would: compacted, one partition per partition of
 * the events topic. Kafka Streams creates internal topics from the group leader's topology only, so
 * while an instance of a version without the store leads (a rolling upgrade), an instance with it
 * would wait for the topic forever, rebalancing and logging an error many times a second. When the
 * topic cannot be made here (no permission, the events topic not there yet), Kafka Streams makes it
 * as before once an instance of this version leads.
 */
public final class EpochChangelog {
  private static final Logger log = LoggerFactory.getLogger(EpochChangelog.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private EpochChangelog() {}

  /** Compaction, and the {@code topic.*} settings Kafka Streams gives every internal topic. */
  private static Map<String, String> topicConfigs(StreamsConfig streams) {
    Map<String, String> configs = new HashMap<>();
    streams
        .originalsWithPrefix(StreamsConfig.TOPIC_PREFIX)
        .forEach((k, v) -> configs.put(k, String.valueOf(v)));
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    return configs;
  }

  /** The topic's name for the status application {@code statusApplicationId}. */
  public static String name(String statusApplicationId) {
    return statusApplicationId + "-" + StatusIndexes.EPOCHS + "-changelog";
  }

  /**
   * Creates the topic unless it exists, with the admin settings, id and replication of the status
   * application's {@code properties}.
   */
  public static void ensure(Properties properties, String eventsTopic) {
    StreamsConfig streams = new StreamsConfig(properties);
    String id = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
    String topic = name(id);
    int replication = streams.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG);
    try (Admin admin = Admin.create(streams.getAdminConfigs(id + "-epoch-changelog"))) {
      int partitions =
          admin
              .describeTopics(List.of(eventsTopic))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(eventsTopic)
              .partitions()
              .size();
      NewTopic changelog =
          new NewTopic(
                  topic,
                  Optional.of(partitions),
                  replication < 0 ? Optional.empty() : Optional.of((short) replication))
              .configs(topicConfigs(streams));
      admin.createTopics(List.of(changelog)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Created {} ({} partitions, like {})", topic, partitions, eventsTopic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        log.warn("Could not create {}; Kafka Streams creates it when this version leads", topic, e);
      }
    } catch (TimeoutException e) {
      log.warn("Timed out creating {}; Kafka Streams creates it when this version leads", topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
