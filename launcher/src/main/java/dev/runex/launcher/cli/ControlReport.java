package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlAction;
import java.util.Locale;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends a control command for the pause and resume commands and prints where it was written. */
final class ControlReport {
  private ControlReport() {}

  static int sendAndReport(RunexConfig cfg, String target, ControlAction action, String reason)
      throws Exception {
    RecordMetadata md = dev.runex.gateway.control.ControlWriter.send(cfg, target, action, reason);
    System.out.printf(
        "%s %s written to %s (partition %d, offset %d)%n",
        action.name().toLowerCase(Locale.ROOT), target, md.topic(), md.partition(), md.offset());
    return 0;
  }
}
