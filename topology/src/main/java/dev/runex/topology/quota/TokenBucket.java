package dev.runex.topology.quota;

import dev.runex.config.QuotaLimit;

/**
 * A token bucket's state: tokens left (fractional) at a wall-clock time. Refilled lazily at the
 * limit's rate up to its burst; a new bucket is full. Stored as text {@code tokens;millis}.
 */
final class TokenBucket {
  private double tokens;
  private long at;

  private TokenBucket(double tokens, long at) {
    this.tokens = tokens;
    this.at = at;
  }

  static TokenBucket full(QuotaLimit limit, long now) {
    return new TokenBucket(limit.burst(), now);
  }

  static TokenBucket decode(String text, QuotaLimit limit, long now) {
    int i = text == null ? -1 : text.indexOf(';');
    if (i < 0) {
      return full(limit, now);
    }
    try {
      return new TokenBucket(
          Double.parseDouble(text.substring(0, i)), Long.parseLong(text.substring(i + 1)));
    } catch (NumberFormatException e) {
      return full(limit, now);
    }
  }

  String encode() {
    return tokens + ";" + at;
  }

  /** Tokens available at {@code now} (refills, capped at the burst, which may have changed). */
  double available(QuotaLimit limit, long now) {
    if (now > at) {
      tokens = Math.min(limit.burst(), tokens + (now - at) * limit.ratePerSecond() / 1000.0);
      at = now;
    }
    tokens = Math.min(tokens, limit.burst());
    return tokens;
  }

  void take() {
    tokens -= 1;
  }
}
