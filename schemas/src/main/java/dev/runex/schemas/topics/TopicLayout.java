package dev.runex.schemas.topics;

/**
 * What the topic registry needs to know of the configuration: the name prefix, how the external
 * topics are encoded, and how new topics are created (partitions, replication, retention of the
 * non-compacted ones). The configuration module builds it ({@code RunexConfig.topicLayout()}).
 */
public record TopicLayout(
    String prefix, OutputFormat outputFormat, int partitions, short replication, long retentionMs) {
  public TopicLayout {
    if (prefix == null || outputFormat == null) {
      throw new IllegalArgumentException("a topic layout needs a prefix and an output format");
    }
    if (partitions < 1 || replication < 1) {
      throw new IllegalArgumentException(
          "partitions and replication must be >= 1, were " + partitions + " and " + replication);
    }
  }
}
