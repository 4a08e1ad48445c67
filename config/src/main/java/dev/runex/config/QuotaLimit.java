package dev.runex.config;

/**
 * One resolved quota: at most {@code maxInFlight} jobs admitted and not yet finished (0: no limit),
 * and a token bucket of {@code burst} tokens refilled at {@code ratePerSecond} (0: no rate limit),
 * one token per admitted attempt.
 */
public record QuotaLimit(int maxInFlight, double ratePerSecond, int burst) {
  public static final QuotaLimit NONE = new QuotaLimit(0, 0, 0);

  public boolean limitsInFlight() {
    return maxInFlight > 0;
  }

  public boolean limitsRate() {
    return ratePerSecond > 0;
  }

  public boolean isNone() {
    return !limitsInFlight() && !limitsRate();
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "unlimited";
    }
    StringBuilder s = new StringBuilder();
    if (limitsInFlight()) {
      s.append("maxInFlight ").append(maxInFlight);
    }
    if (limitsRate()) {
      s.append(s.length() > 0 ? ", " : "")
          .append("rate ")
          .append(ratePerSecond)
          .append("/s burst ")
          .append(burst);
    }
    return s.toString();
  }
}
