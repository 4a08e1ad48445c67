package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundred() {
    Percentiles p = Percentiles.of(LongStream.rangeClosed(1, 100).toArray());
    assertThat(p).isEqualTo(new Percentiles(100, 1, 50, 99, 100));
  }

  @Test
  void unsortedInputWithNegativesIsSortedAndLeftUnchanged() {
    long[] values = {30, -5, 10, 20, 0};
    Percentiles p = Percentiles.of(values);
    assertThat(p.min()).isEqualTo(-5);
    assertThat(p.p50()).isEqualTo(10); // rank ceil(2.5) = 3 of -5, 0, 10, 20, 30
    assertThat(p.p99()).isEqualTo(30);
    assertThat(p.max()).isEqualTo(30);
    assertThat(values).containsExactly(30, -5, 10, 20, 0);
  }

  @Test
  void p99OfAThousandIsTheNineHundredNinetiethValue() {
    Percentiles p = Percentiles.of(LongStream.range(0, 1000).toArray());
    assertThat(p.p99()).isEqualTo(989);
    assertThat(p.p50()).isEqualTo(499);
  }

  @Test
  void oneValueIsEveryPercentile() {
    assertThat(Percentiles.of(new long[] {7})).isEqualTo(new Percentiles(1, 7, 7, 7, 7));
  }

  @Test
  void emptyRendersAsNotAvailable() {
    Percentiles p = Percentiles.of(new long[0]);
    assertThat(p.count()).isZero();
    assertThat(p.render()).isEqualTo("n/a");
  }

  @Test
  void rendersP50P99Max() {
    assertThat(Percentiles.of(new long[] {1, 2, 1500}).render()).isEqualTo("2 / 1,500 / 1,500");
  }
}
