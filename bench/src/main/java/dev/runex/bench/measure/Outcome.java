package dev.runex.bench.measure;

/** What one benchmark phase produced: its numbers, or why it has none (the report shows either). */
public sealed interface Outcome<T> {

  record Measured<T>(T value) implements Outcome<T> {}

  record Failed<T>(String reason) implements Outcome<T> {}
}
