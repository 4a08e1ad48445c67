package dev.runex.connectors.webhook;

/** How delivering one record ended, after all the attempts it took. */
public sealed interface Delivery {

  int attempts();

  /** The endpoint answered 2xx on attempt number {@code attempts}. */
  record Delivered(int attempts) implements Delivery {}

  /** No more attempts: {@code cause} says why, for the errant-record reporter. */
  record GaveUp(int attempts, WebhookDeliveryException cause) implements Delivery {}
}
