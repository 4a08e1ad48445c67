package dev.runex.workers.internal.execution;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.internal.monitoring.TraceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptContextTest {

  @Test
  void firstCancellationReasonWins() {
    AttemptContext ctx = new AttemptContext(job("j", "t", Map.of()), "w1", T0, T0.plusSeconds(1));

    ctx.cancel(AttemptContext.Cancellation.TIMED_OUT);
    ctx.cancel(AttemptContext.Cancellation.ABANDONED);

    assertThat(ctx.isCancelled()).isTrue();
    assertThat(ctx.timedOut()).isTrue();
  }

  @Test
  void anOperatorsCancelIsNotATimeout() {
    AttemptContext ctx = new AttemptContext(job("j", "t", Map.of()), "w1", T0, T0.plusSeconds(1));

    ctx.cancel(AttemptContext.Cancellation.CANCELLED);

    assertThat(ctx.isCancelled()).isTrue();
    assertThat(ctx.timedOut()).isFalse();
  }

  @Test
  void theAttemptsTraceContinuesTheInboundTraceAndUsageIsWhatWasRecorded() {
    String inbound = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    AttemptContext ctx =
        new AttemptContext(job("j", "t", Map.of()), "w1", T0, T0.plusSeconds(1), inbound);
    ResourceUsage usage = ResourceUsage.newBuilder().setWallMs(7).build();

    ctx.recordUsage(usage);

    assertThat(ctx.traceParent()).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
    assertThat(ctx.usage()).isSameAs(usage);
  }

  @Test
  void withoutAnInboundTraceTheAttemptsTraceIsDerivedFromTheJobWhenFirstAskedFor() {
    AttemptContext ctx = new AttemptContext(job("j", "t", Map.of()), "w1", T0, T0.plusSeconds(1));

    String first = ctx.traceParent();

    assertThat(first)
        .isEqualTo(TraceContext.traceParent("j", ctx.attempt(), null))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(ctx.traceParent()).isSameAs(first);
  }
}
