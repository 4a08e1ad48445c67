package dev.runex.workers;

import dev.runex.schemas.Job;
import dev.runex.workers.internal.deadletter.SourceCoordinates;
import dev.runex.workers.internal.monitoring.TraceContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A decoded job with the record it came from, and when the poll that returned it ended ({@link
 * System#nanoTime()}): the job starts only once the control table is fresh as of then.
 */
record FetchedJob(ConsumerRecord<String, byte[]> record, Job job, long fetchedAtNanos) {

  /** A job that needs no fresher control table than the worker has (tests). */
  FetchedJob(ConsumerRecord<String, byte[]> record, Job job) {
    this(record, job, Long.MIN_VALUE);
  }

  TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }

  long offset() {
    return record.offset();
  }

  SourceCoordinates source() {
    return new SourceCoordinates(record.topic(), record.partition(), record.offset());
  }

  /**
   * The record's W3C {@code traceparent} header, else the one the job was submitted with, or null.
   */
  String traceParent() {
    Header h = record.headers().lastHeader(TraceContext.HEADER);
    return h != null && h.value() != null
        ? new String(h.value(), StandardCharsets.UTF_8)
        : job.getTraceParent();
  }

  /**
   * Jobs with the same record key (the partition key) run one at a time in offset order. A record
   * without a key orders with nothing: the record itself (identity) is its key.
   */
  Object orderingKey() {
    return record.key() != null ? record.key() : record;
  }
}
