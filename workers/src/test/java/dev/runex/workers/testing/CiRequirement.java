package dev.runex.workers.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A host tool a test needs. On CI ({@code CI=true}, where {@code .ci/sandbox-tools} installs the
 * sandbox's tools) a missing one FAILS the test, so a broken install cannot pass as skipped tests;
 * on a developer's machine without it the test is skipped, saying what to install.
 */
public final class CiRequirement {
  private CiRequirement() {}

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true and " + what + " is missing: CI must install it (.ci/sandbox-tools)");
    }
    assumeTrue(false, "needs " + what);
  }
}
