package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void everyFiveMinutesWithSecondsField() {
    assertThat(fires("0 */5 * * * *", UTC, "2026-03-01T10:02:30Z", 3))
        .containsExactly("2026-03-01T10:05:00Z", "2026-03-01T10:10:00Z", "2026-03-01T10:15:00Z");
  }

  @Test
  void nextIsStrictlyAfterEvenOnAFiringTime() {
    assertThat(fires("0 */5 * * * *", UTC, "2026-03-01T10:05:00Z", 1))
        .containsExactly("2026-03-01T10:10:00Z");
  }

  @Test
  void fiveFieldsMeanNoSeconds() {
    assertThat(fires("30 2 * * *", UTC, "2026-03-01T03:00:00Z", 2))
        .containsExactly("2026-03-02T02:30:00Z", "2026-03-03T02:30:00Z");
  }

  @Test
  void readsTheFieldsInTheTimeZone() {
    // 09:00 in Paris is 08:00 UTC in winter
    assertThat(fires("0 0 9 * * *", PARIS, "2026-01-10T12:00:00Z", 1))
        .containsExactly("2026-01-11T08:00:00Z");
  }

  @Test
  void namesRangesListsAndStepsWithWeekdaysOnly() {
    // 2026-03-06 is a Friday
    assertThat(fires("0 0 8-12/2 ? * MON-FRI", UTC, "2026-03-06T09:00:00Z", 4))
        .containsExactly(
            "2026-03-06T10:00:00Z",
            "2026-03-06T12:00:00Z",
            "2026-03-09T08:00:00Z",
            "2026-03-09T10:00:00Z");
    assertThat(fires("0 0 0 1 JAN,JUL *", UTC, "2026-03-01T00:00:00Z", 2))
        .containsExactly("2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z");
  }

  @Test
  void sundayIsZeroOrSeven() {
    // 2026-03-08 is a Sunday
    assertThat(fires("0 0 0 * * 7", UTC, "2026-03-06T00:00:00Z", 1))
        .containsExactly("2026-03-08T00:00:00Z");
    assertThat(fires("0 0 0 * * 0", UTC, "2026-03-06T00:00:00Z", 1))
        .containsExactly("2026-03-08T00:00:00Z");
  }

  @Test
  void bothDayFieldsRestrictedMatchEither() {
    // the 13th, or any Friday: 2026-03-06 (Fri), 2026-03-13 (Fri and the 13th), 2026-03-20 (Fri)
    assertThat(fires("0 0 0 13 * FRI", UTC, "2026-03-01T00:00:00Z", 3))
        .containsExactly("2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z");
  }

  @Test
  void aLocalTimeSkippedBySpringForwardDoesNotFireThatDay() {
    // Paris: 2026-03-29 02:00 → 03:00
    assertThat(fires("0 30 2 * * *", PARIS, "2026-03-28T12:00:00Z", 2))
        .containsExactly("2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z");
  }

  @Test
  void aLocalTimeRepeatedByFallBackFiresOnce() {
    // Paris: 2026-10-25 03:00 → 02:00, so 02:30 happens at 00:30Z and again at 01:30Z
    assertThat(fires("0 30 2 * * *", PARIS, "2026-10-24T12:00:00Z", 2))
        .containsExactly("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
  }

  @Test
  void anExpressionThatNeverFiresHasNoNext() {
    assertThat(
            CronExpression.parse("0 0 0 30 FEB *").next(Instant.parse("2026-01-01T00:00:00Z"), UTC))
        .isNull();
  }

  @Test
  void refusesBadExpressionsNamingTheField() {
    assertThatThrownBy(() -> CronExpression.parse("* * * *")).hasMessageContaining("has 4");
    assertThatThrownBy(() -> CronExpression.parse("0 60 * * * *"))
        .hasMessageContaining("minute field '60'")
        .hasMessageContaining("outside 0-59");
    assertThatThrownBy(() -> CronExpression.parse("0 0 0 * FOO *"))
        .hasMessageContaining("month field");
    assertThatThrownBy(() -> CronExpression.parse("0 0 5-1 * * *"))
        .hasMessageContaining("backwards");
    assertThatThrownBy(() -> CronExpression.parse("0 */0 * * * *")).hasMessageContaining("step");
  }

  private static List<String> fires(String cron, ZoneId zone, String after, int n) {
    CronExpression c = CronExpression.parse(cron);
    List<String> out = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < n; i++) {
      t = c.next(t, zone);
      out.add(t.toString());
    }
    return out;
  }
}
