package dev.runex.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void aSessionNamesItsCallerUntilItExpiresOrIsClosed() {
    Sessions sessions = new Sessions(Duration.ofHours(1), clock);
    Caller acme = new Caller.Tenant("acme-ci", "acme");

    String token = sessions.open(acme);
    String other = sessions.open(new Caller.Operator("ops"));

    assertThat(token).hasSizeGreaterThan(40).isNotEqualTo(other);
    assertThat(sessions.find(token)).contains(acme);
    assertThat(sessions.find("forged")).isEmpty();
    now = now.plus(Duration.ofMinutes(61));
    assertThat(sessions.find(token)).isEmpty();
    String again = sessions.open(acme);
    sessions.close(again);
    assertThat(sessions.find(again)).isEmpty();
  }

  @Test
  void aTenantCallerSeesItsTenantOnly() {
    Caller acme = new Caller.Tenant("acme-ci", "acme");

    assertThat(acme.sees("acme")).isTrue();
    assertThat(acme.sees("globex")).isFalse();
    assertThat(acme.sees(null)).isFalse();
    assertThat(new Caller.Operator("ops").sees(null)).isTrue();
    assertThat(acme.actor()).isEqualTo("gateway:acme-ci");
  }
}
