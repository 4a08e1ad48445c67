package dev.runex.bench.io;

import dev.runex.bench.subject.RunexUnderTest;
import dev.runex.config.Settings;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.nio.file.Path;
import java.util.Map;

/**
 * runex with its default configuration (job-status application, events and metrics on), the
 * topology and one worker with {@code concurrency} slots in the bench JVM; jobs run the built-in
 * {@code sleep} handler. Only the partitions and the worker's slots are set.
 */
final class RunexIo implements IoSubject {
  private final RunexUnderTest runex;

  RunexIo(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      int partitions,
      int concurrency) {
    this.runex =
        RunexUnderTest.configured(
            bootstrapServers,
            registryUrl,
            prefix,
            stateDir,
            Map.of(
                Settings.TOPIC_PARTITIONS.key(),
                Integer.toString(partitions),
                Settings.WORKER_CONCURRENCY.key(),
                Integer.toString(concurrency)));
  }

  @Override
  public String name() {
    return "runex";
  }

  @Override
  public String intakeTopic() {
    return runex.intakeTopic();
  }

  @Override
  public String resultsTopic() {
    return runex.resultsTopic();
  }

  @Override
  public void provision() {
    runex.provision();
  }

  @Override
  public void start() {
    runex.start();
  }

  @Override
  public boolean succeeded(byte[] resultValue) {
    JobResult result = runex.decodeResult(resultValue);
    return result != null && result.getStatus() == JobStatus.SUCCEEDED;
  }

  @Override
  public void close() {
    runex.close();
  }
}
