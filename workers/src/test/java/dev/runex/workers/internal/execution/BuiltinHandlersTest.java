package dev.runex.workers.internal.execution;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Job;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltinHandlersTest {

  @Test
  void echoOutputsItsParamsAsAJsonObject() throws Exception {
    assertThat(new EchoHandler().handle(ctx(job("j1", "echo", Map.of("message", "hi")))))
        .isEqualTo("{\"message\":\"hi\"}");
  }

  @Test
  void echoKeepsParamTypesAndSortsKeys() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("z", 3L);
    params.put("a", true);
    params.put("m", 1.5);
    params.put("n", null);

    assertThat(new EchoHandler().handle(ctx(job("j1", "echo", params))))
        .isEqualTo("{\"a\":true,\"m\":1.5,\"n\":null,\"z\":3}");
  }

  @Test
  void sleepSleepsTheRequestedMilliseconds() throws Exception {
    long start = System.nanoTime();

    String out = new SleepHandler().handle(ctx(job("j1", "sleep", Map.of("ms", 30L))));

    assertThat(out).isEqualTo("slept 30 ms");
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(30_000_000L);
  }

  @Test
  void sleepStopsWhenInterrupted() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(
            () -> new SleepHandler().handle(ctx(job("j1", "sleep", Map.of("ms", 60_000L)))))
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void sleepWithoutMsIsAPermanentParamFailure() {
    assertThatThrownBy(() -> new SleepHandler().handle(ctx(job("j1", "sleep", Map.of()))))
        .isInstanceOfSatisfying(
            PermanentJobException.class, e -> assertThat(e.code()).isEqualTo("PARAM_INVALID"));
  }

  @Test
  void failFailsTheFirstTimesAttemptsRetryablyThenSucceeds() throws Exception {
    Job job = job("j1", "fail", Map.of("times", 2L));
    FailHandler fail = new FailHandler();

    assertThatThrownBy(() -> fail.handle(ctx(attempt(job, 1))))
        .isInstanceOf(RetryableJobException.class);
    assertThatThrownBy(() -> fail.handle(ctx(attempt(job, 2))))
        .isInstanceOf(RetryableJobException.class);
    assertThat(fail.handle(ctx(attempt(job, 3)))).isEqualTo("succeeded on attempt 3");
  }

  @Test
  void failWithoutTimesAlwaysFails() {
    Job job = job("j1", "fail", Map.of());

    assertThatThrownBy(() -> new FailHandler().handle(ctx(attempt(job, 99))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.getMessage()).contains("attempt 99"));
  }

  @Test
  void failPermanentAlwaysFailsPermanentlyWithItsMessage() {
    Job job = job("j1", "fail", Map.of("permanent", true, "times", 0L, "message", "card declined"));

    assertThatThrownBy(() -> new FailHandler().handle(ctx(job)))
        .isInstanceOf(PermanentJobException.class)
        .hasMessage("card declined");
  }

  private static JobContext ctx(Job job) {
    return new AttemptContext(job, "w1", T0, T0.plusSeconds(30));
  }
}
