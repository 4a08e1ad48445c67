package dev.runex.connectors.webhook;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * A record the endpoint did not accept: refused outright, or still failing when the retries ran
 * out. Its message (endpoint, attempts, last answer) lands in the dead-letter record's {@code
 * __connect.errors.exception.message} header.
 */
public final class WebhookDeliveryException extends ConnectException {
  public WebhookDeliveryException(String message) {
    super(message);
  }
}
