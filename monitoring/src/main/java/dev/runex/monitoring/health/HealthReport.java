package dev.runex.monitoring.health;

import java.util.List;

/**
 * The answer to one health question (is the process alive? is it ready?): up when every check is
 * up, with each check's own verdict and the reason for it, so a probe's body says why.
 *
 * @param checks what was looked at, in a stable order; never empty
 */
public record HealthReport(List<Check> checks) {

  /**
   * One thing looked at.
   *
   * @param name short stable name, e.g. {@code poll-loop} or {@code streams:runex-topology}
   * @param up whether it passes
   * @param detail what was seen, in words (the reason when it fails)
   */
  public record Check(String name, boolean up, String detail) {}

  public HealthReport {
    if (checks == null || checks.isEmpty()) {
      throw new IllegalArgumentException("a health report needs at least one check");
    }
    checks = List.copyOf(checks);
  }

  public static HealthReport of(Check... checks) {
    return new HealthReport(List.of(checks));
  }

  public boolean up() {
    return checks.stream().allMatch(Check::up);
  }

  /** The details of the failing checks, for a log line or a short answer. */
  public List<String> reasons() {
    return checks.stream().filter(c -> !c.up()).map(c -> c.name() + ": " + c.detail()).toList();
  }
}
