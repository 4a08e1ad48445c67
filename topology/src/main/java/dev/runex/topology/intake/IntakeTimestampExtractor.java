package dev.runex.topology.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The intake record's own timestamp, or — when a producer left it invalid (negative) — the
 * partition's stream time, else the wall clock. Kafka's default extractor would stop the topology
 * on such a record, and bad input must never stop intake.
 */
public final class IntakeTimestampExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.timestamp() >= 0) {
      return record.timestamp();
    }
    return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
  }
}
