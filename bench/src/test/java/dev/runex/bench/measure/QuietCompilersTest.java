package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class QuietCompilersTest {
  private static final Duration WINDOW = Duration.ofSeconds(2);

  private final List<Duration> slept = new ArrayList<>();

  /** Compiler CPU readings in milliseconds, one per look; negative for "cannot tell". */
  private static Supplier<Optional<Duration>> readings(Long... millis) {
    Iterator<Long> it = List.of(millis).iterator();
    return () -> {
      Long next = it.next();
      return next < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(next));
    };
  }

  @Test
  void waitsUntilAWindowUsesAtMostAShareOfOneCore() throws Exception {
    // given 800 ms, then 600 ms, then 60 ms (3 % of a core) of compiling per 2-s window
    QuietCompilers.Wait wait =
        QuietCompilers.await(
            readings(1_000L, 1_800L, 2_400L, 2_460L), slept::add, WINDOW, Duration.ofSeconds(60));

    assertThat(wait.quiet()).isTrue();
    assertThat(wait.waited()).isEqualTo(Duration.ofSeconds(6));
    assertThat(wait.lastShare()).isEqualTo(0.03);
    assertThat(slept).containsExactly(WINDOW, WINDOW, WINDOW);
  }

  @Test
  void givesUpAtTheLimitSayingSo() throws Exception {
    // given compilers busy half a core throughout
    QuietCompilers.Wait wait =
        QuietCompilers.await(
            readings(0L, 1_000L, 2_000L, 3_000L), slept::add, WINDOW, Duration.ofSeconds(6));

    assertThat(wait.quiet()).isFalse();
    assertThat(wait.waited()).isEqualTo(Duration.ofSeconds(6));
    assertThat(wait.lastShare()).isEqualTo(0.5);
  }

  @Test
  void doesNotWaitWhereTheCompilersCannotBeRead() throws Exception {
    QuietCompilers.Wait wait =
        QuietCompilers.await(readings(-1L), slept::add, WINDOW, Duration.ofSeconds(60));

    assertThat(wait.quiet()).isFalse();
    assertThat(wait.waited()).isZero();
    assertThat(wait.lastShare()).isNaN();
    assertThat(slept).isEmpty();
  }
}
