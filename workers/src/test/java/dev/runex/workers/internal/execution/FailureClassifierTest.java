package dev.runex.workers.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

  @Test
  void permanentExceptionAnywhereInTheCauseChainIsPermanent() {
    Exception wrapped =
        new ExecutionException(
            new RuntimeException(new PermanentJobException("BAD_INPUT", "no such account")));

    Failure failure = FailureClassifier.classify(wrapped);

    assertThat(failure.retryable()).isFalse();
    assertThat(failure.code()).isEqualTo("BAD_INPUT");
    assertThat(failure.message()).isEqualTo("no such account");
    assertThat(failure.cause()).isSameAs(wrapped);
  }

  @Test
  void retryableExceptionKeepsItsCode() {
    Failure failure =
        FailureClassifier.classify(new RetryableJobException("RATE_LIMITED", "slow down", null));

    assertThat(failure.retryable()).isTrue();
    assertThat(failure.code()).isEqualTo("RATE_LIMITED");
  }

  @Test
  void anyOtherExceptionIsARetryableHandlerError() {
    Failure failure = FailureClassifier.classify(new IOException("connection reset"));

    assertThat(failure.retryable()).isTrue();
    assertThat(failure.timedOut()).isFalse();
    assertThat(failure.code()).isEqualTo("HANDLER_ERROR");
    assertThat(failure.message()).isEqualTo("connection reset");
    assertThat(failure.toErrorInfo().getExceptionClass()).isEqualTo(IOException.class.getName());
  }

  @Test
  void exceptionWithoutMessageIsDescribedByItsClass() {
    assertThat(FailureClassifier.classify(new NullPointerException()).message())
        .isEqualTo(NullPointerException.class.getName());
  }

  @Test
  void survivesACyclicCauseChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(FailureClassifier.classify(a).code()).isEqualTo("HANDLER_ERROR");
  }

  @Test
  void timeoutIsRetryableAndMarkedTimedOut() {
    Failure failure = FailureClassifier.timeout(Duration.ofMillis(250));

    assertThat(failure.code()).isEqualTo("TIMEOUT");
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.timedOut()).isTrue();
    assertThat(failure.message()).contains("250 ms");
  }

  @Test
  void unknownTypeAndHandlerArePermanent() {
    assertThat(FailureClassifier.unknownType("nope").retryable()).isFalse();
    assertThat(FailureClassifier.unknownType("nope").code()).isEqualTo("UNKNOWN_TYPE");
    assertThat(FailureClassifier.unknownHandler("h", "t").retryable()).isFalse();
    assertThat(FailureClassifier.unknownHandler("h", "t").code()).isEqualTo("UNKNOWN_HANDLER");
  }
}
