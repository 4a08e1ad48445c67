package dev.runex.bench.io;

/**
 * A system the io scenario drives: JSON {@code sleep} requests go in on {@link #intakeTopic()}
 * (key: job id), and one result per job comes out on {@link #resultsTopic()} under the same key,
 * visible to read_committed readers once the system commits it. Both systems run in the bench JVM.
 */
sealed interface IoSubject extends AutoCloseable permits RunexIo, ParallelConsumerIo {

  String name();

  String intakeTopic();

  String resultsTopic();

  /** Creates the topics; consumes nothing yet. */
  void provision();

  /** Starts consuming intake. */
  void start();

  /** Whether a result value reports a job that ran and succeeded. */
  boolean succeeded(byte[] resultValue);

  @Override
  void close();
}
