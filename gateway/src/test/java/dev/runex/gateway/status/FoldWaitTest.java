package dev.runex.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.intake.RecentSubmissions;
import dev.runex.gateway.intake.ResultWaiter;
import dev.runex.schemas.json.AvroJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FoldWaitTest {
  private static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Caller OPERATOR = new Caller.Operator("ops");
  private static final Caller ACME = new Caller.Tenant("acme-key", "acme");
  private static final Caller GLOBEX = new Caller.Tenant("globex-key", "globex");

  private final RecentSubmissions submitted = new RecentSubmissions();
  private final Map<String, ResultWaiter.Seen> results = new HashMap<>();
  private final Map<String, FoldWait.Sighting> events = new HashMap<>();
  private final FoldWait foldWait =
      new FoldWait(
          submitted,
          id -> Optional.ofNullable(results.get(id)),
          id -> Optional.ofNullable(events.get(id)),
          WAIT,
          Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void aJobThisGatewayWroteWaitsFromTheWriteForItsTenantAndOperators() {
    submitted.accepted("j1", "acme", T0);

    assertThat(foldWait.until(ACME, "j1")).isEqualTo(T0.plus(WAIT));
    assertThat(foldWait.until(OPERATOR, "j1")).isEqualTo(T0.plus(WAIT));
  }

  @Test
  void anotherTenantsJobAndAnUnknownIdAreAnsweredAtOnce() {
    submitted.accepted("j1", "acme", T0);
    results.put("j2", seen("acme", T0));

    assertThat(foldWait.until(GLOBEX, "j1")).isNull();
    assertThat(foldWait.until(GLOBEX, "j2")).isNull();
    assertThat(foldWait.until(ACME, "unknown")).isNull();
    assertThat(foldWait.until(OPERATOR, "unknown")).isNull();
  }

  @Test
  void aResultReadLaterThanTheWriteMovesTheWaitOn() {
    submitted.accepted("j1", "acme", T0);
    results.put("j1", seen("acme", T0.plusSeconds(3)));

    assertThat(foldWait.until(ACME, "j1")).isEqualTo(T0.plusSeconds(3).plus(WAIT));
  }

  @Test
  void aResultAloneCountsToo() {
    // written by another gateway replica or straight to intake; this one read its result
    results.put("j3", seen("acme", T0.plusSeconds(1)));

    assertThat(foldWait.until(ACME, "j3")).isEqualTo(T0.plusSeconds(1).plus(WAIT));
    assertThat(foldWait.until(OPERATOR, "j3")).isEqualTo(T0.plusSeconds(1).plus(WAIT));
  }

  @Test
  void aJobReadInTheLifecycleRecordsWaitsFromItsLatestTransitionForItsTenantAndOperators() {
    // written by another gateway replica or straight to intake; the topology received it at T0
    events.put("j4", new FoldWait.Sighting("acme", T0));

    assertThat(foldWait.until(ACME, "j4")).isEqualTo(T0.plus(WAIT));
    assertThat(foldWait.until(OPERATOR, "j4")).isEqualTo(T0.plus(WAIT));
    assertThat(foldWait.until(GLOBEX, "j4")).as("another tenant's").isNull();
    // a status that is there but not final is not waited for on its account
    assertThat(foldWait.until(ACME, "j4", true)).isNull();
    // the latest of a write, a result and a transition counts
    submitted.accepted("j4", "acme", T0.minusSeconds(2));
    assertThat(foldWait.until(ACME, "j4")).isEqualTo(T0.plus(WAIT));
    results.put("j4", seen("acme", T0.plusSeconds(1)));
    assertThat(foldWait.until(ACME, "j4")).isEqualTo(T0.plusSeconds(1).plus(WAIT));
  }

  @Test
  void noWaitConfiguredIsNoWait() {
    submitted.accepted("j1", "acme", T0);
    FoldWait none =
        new FoldWait(
            submitted,
            id -> Optional.empty(),
            id -> Optional.empty(),
            Duration.ZERO,
            Clock.systemUTC());

    assertThat(none.until(ACME, "j1")).isNull();
  }

  private static ResultWaiter.Seen seen(String tenant, Instant at) {
    JsonNode result =
        AvroJson.MAPPER.createObjectNode().put("id", "x").put("tenant", tenant).put("status", "OK");
    return new ResultWaiter.Seen(result, at);
  }
}
