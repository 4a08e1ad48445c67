package dev.runex.workers.internal.deadletter;

/** Where a consumed record came from: the coordinates a dead letter carries for replay. */
public record SourceCoordinates(String topic, int partition, long offset) {

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
