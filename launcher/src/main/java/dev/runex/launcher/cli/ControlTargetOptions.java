package dev.runex.launcher.cli;

import dev.runex.schemas.control.ControlTargets;
import picocli.CommandLine.Option;

/** Exactly one of --tenant, --type, --pool: what pause and resume apply to. */
public final class ControlTargetOptions {
  @Option(names = "--tenant", paramLabel = "TENANT", description = "Every job of this tenant.")
  String tenant;

  @Option(names = "--type", paramLabel = "TYPE", description = "Every job of this job type.")
  String type;

  @Option(names = "--pool", paramLabel = "POOL", description = "Every job of this worker pool.")
  String pool;

  /** The control topic key, e.g. {@code tenant:acme}. */
  String target() {
    if (tenant != null) {
      return ControlTargets.tenant(tenant);
    }
    return type != null ? ControlTargets.type(type) : ControlTargets.pool(pool);
  }
}
