package dev.runex.connectors.webhook;

import dev.runex.connectors.ConnectorsVersion;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each record of a batch in order, synchronously: {@link #put} returns only when every
 * record was accepted by the endpoint (2xx) or handed to Connect's errant-record reporter, so the
 * offsets Connect commits afterwards never skip an undelivered record (at least once). A
 * redelivered record carries the same {@code Idempotency-Key} ({@code <topic>-<partition>-<offset>}
 * of the record as read from Kafka), so the endpoint can drop duplicates. Tombstones (null values)
 * are skipped. Without an errant-record reporter (errors.tolerance=none), a record that cannot be
 * delivered fails the task, which then stops without committing it.
 */
public class WebhookSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(WebhookSinkTask.class);

  private final Clock clock;
  private final Pauser pauser;
  private WebhookDelivery delivery;

  public WebhookSinkTask() {
    this(Clock.systemUTC(), Pauser.SLEEP);
  }

  WebhookSinkTask(Clock clock, Pauser pauser) {
    this.clock = clock;
    this.pauser = pauser;
  }

  @Override
  public void start(Map<String, String> props) {
    WebhookSinkConfig cfg = new WebhookSinkConfig(props);
    delivery = new WebhookDelivery(cfg, clock, pauser);
    log.info("Webhook sink task delivering to {}", cfg.url());
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    for (SinkRecord record : records) {
      deliver(record);
    }
  }

  private void deliver(SinkRecord record) {
    if (record.value() == null) {
      log.debug("Skipping tombstone {}", idempotencyKey(record));
      return;
    }
    String key = idempotencyKey(record);
    byte[] body;
    try {
      body = WebhookBody.json(record.valueSchema(), record.value());
    } catch (DataException e) {
      report(record, e);
      return;
    }
    try {
      if (delivery.deliver(key, body) instanceof Delivery.GaveUp g) {
        report(record, g.cause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while delivering " + key, e);
    }
  }

  /**
   * The record's coordinates as read from Kafka (before any transform renamed its topic), stable
   * across retries, redeliveries and task restarts.
   */
  static String idempotencyKey(SinkRecord record) {
    return record.originalTopic()
        + "-"
        + record.originalKafkaPartition()
        + "-"
        + record.originalKafkaOffset();
  }

  private void report(SinkRecord record, ConnectException cause) {
    ErrantRecordReporter reporter = context.errantRecordReporter();
    if (reporter == null) {
      throw cause;
    }
    log.error("Dead-lettering {}: {}", idempotencyKey(record), cause.getMessage());
    // Connect writes it to the dead-letter topic before it commits this record's offset.
    reporter.report(record, cause);
  }

  @Override
  public void stop() {
    delivery = null;
  }

  @Override
  public String version() {
    return ConnectorsVersion.get();
  }
}
