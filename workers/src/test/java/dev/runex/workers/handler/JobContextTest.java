package dev.runex.workers.handler;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobContextTest {

  @Test
  void idempotencyKeyIsJobIdAndAttempt() {
    JobContext ctx = context(attempt(job("order-7", "echo", Map.of()), 2));

    assertThat(ctx.idempotencyKey()).isEqualTo("order-7:2");
  }

  @Test
  void typedGettersConvertCompatibleValues() throws Exception {
    JobContext ctx = context(job("j", "t", Map.of("n", "42", "d", 2.0, "b", "TRUE", "s", 5L)));

    assertThat(ctx.longParam("n", 0)).isEqualTo(42);
    assertThat(ctx.longParam("d", 0)).isEqualTo(2);
    assertThat(ctx.doubleParam("s", 0)).isEqualTo(5.0);
    assertThat(ctx.booleanParam("b", false)).isTrue();
    assertThat(ctx.stringParam("s", null)).isEqualTo("5");
    assertThat(ctx.longParam("missing", 9)).isEqualTo(9);
  }

  @Test
  void wronglyTypedParamIsAPermanentFailure() {
    JobContext ctx = context(job("j", "t", Map.of("n", "many", "d", 2.5)));

    assertThatThrownBy(() -> ctx.longParam("n", 0))
        .isInstanceOfSatisfying(
            PermanentJobException.class, e -> assertThat(e.code()).isEqualTo("PARAM_INVALID"))
        .hasMessageContaining("n must be a whole number, was 'many'");
    assertThatThrownBy(() -> ctx.longParam("d", 0)).isInstanceOf(PermanentJobException.class);
    assertThatThrownBy(() -> ctx.booleanParam("n", false))
        .isInstanceOf(PermanentJobException.class);
  }

  /** A context as a handler's own unit test makes one: the one method to give is isCancelled. */
  private static JobContext context(Job job) {
    return new JobContext(job, "w1", T0, T0.plusSeconds(1), null) {
      @Override
      public boolean isCancelled() {
        return false;
      }
    };
  }
}
