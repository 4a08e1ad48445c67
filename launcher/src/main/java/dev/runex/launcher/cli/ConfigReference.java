package dev.runex.launcher.cli;

import dev.runex.config.ConfigLoader;
import dev.runex.config.GatewayKeyParser;
import dev.runex.config.KafkaOverrides;
import dev.runex.config.QuotaParser;
import dev.runex.config.ScheduleParser;
import dev.runex.config.Setting;
import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ReasonCode;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration, metrics and reason-code references, generated from the definitions the code
 * uses ({@link Settings}, the job-type parser's key list, {@link RunexMeters}, {@link ReasonCode}).
 * The pages under {@code docs/} embed this text between markers and a test keeps them identical.
 */
public final class ConfigReference {
  private ConfigReference() {}

  public static String settingsMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| key | env | default | description |\n|---|---|---|---|\n");
    for (Setting s : Settings.ALL) {
      sb.append("| `")
          .append(s.key())
          .append("` | `")
          .append(s.envName())
          .append("` | ")
          .append(
              s.defaultValue() == null || s.defaultValue().isEmpty()
                  ? "(empty)"
                  : "`" + s.defaultValue() + "`")
          .append(" | ")
          .append(s.doc())
          .append(" |\n");
    }
    sb.append("\nJob types, under `runex.jobTypes.<name>`:\n\n| key | description |\n|---|---|\n");
    for (Map.Entry<String, String> e : ConfigLoader.JobTypeParser.KEY_DOCS.entrySet()) {
      sb.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n");
    }
    sb.append(
        "\nRecurring schedules, under `runex.schedules.<name>`:\n\n| key | description |\n|---|---|\n");
    for (Map.Entry<String, String> e : ScheduleParser.KEY_DOCS.entrySet()) {
      sb.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n");
    }
    sb.append(
            "\nTenant quotas, in `runex.quotas.default` (every tenant) and `runex.quotas.tenants.<tenant>` ")
        .append("(a tenant's block inherits each key it does not set from the default block):\n\n")
        .append("| key | description |\n|---|---|\n");
    for (Map.Entry<String, String> e : QuotaParser.KEY_DOCS.entrySet()) {
      sb.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n");
    }
    sb.append(
            "\nGateway API keys, under `runex.gateway.keys.<name>` (see docs/console.md; exactly one of ")
        .append(
            "`sha256`, `env`, `file`; only the hash is kept):\n\n| key | description |\n|---|---|\n");
    for (Map.Entry<String, String> e : GatewayKeyParser.KEY_DOCS.entrySet()) {
      sb.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" |\n");
    }
    sb.append(
            "\nRaw Kafka client settings pass through unchanged: `runex.kafka.common.*` (every client), then ")
        .append(
            "`runex.kafka.producer.*`, `runex.kafka.consumer.*`, `runex.kafka.admin.*`, `runex.kafka.streams.*`. ")
        .append(
            "They win over the client settings runex chooses itself (the worker keeps those its "
                + "exactly-once guarantee needs and warns about any it ignores). For its transactional producers (the "
                + "worker's and Kafka Streams') runex chooses `linger.ms` = the commit interval, `batch.size` "
                + "256 KiB and `retry.backoff.ms` ")
        .append(KafkaOverrides.TRANSACTION_RETRY_BACKOFF_MS)
        .append(
            " (Kafka's default is 100): a transaction's first records or offsets that reach the broker "
                + "while it still completes the previous commit are sent again that much later.\n");
    return sb.toString();
  }

  public static String metricsMarkdown() {
    StringBuilder sb =
        new StringBuilder("| meter | kind | tags | description |\n|---|---|---|---|\n");
    for (RunexMeters m : RunexMeters.values()) {
      sb.append("| `")
          .append(m.meterName())
          .append("` | ")
          .append(m.kind().name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(m.tagKeys().isEmpty() ? "" : "`" + String.join("`, `", m.tagKeys()) + "`")
          .append(" | ")
          .append(m.description())
          .append(" |\n");
    }
    return sb.toString();
  }

  public static String reasonsMarkdown() {
    StringBuilder sb =
        new StringBuilder(
            "| code | stage | retryable | usage limit | description |\n|---|---|---|---|---|\n");
    for (ReasonCode c : ReasonCode.values()) {
      sb.append("| `")
          .append(c.code())
          .append("` | ")
          .append(String.join(", ", c.stages().stream().map(ReasonCode.Stage::label).toList()))
          .append(" | ")
          .append(c.retry().label())
          .append(" | ")
          .append(c.isLimit() ? "yes" : "")
          .append(" | ")
          .append(c.description())
          .append(" |\n");
    }
    for (ReasonCode.Family f : ReasonCode.Family.values()) {
      sb.append("| `")
          .append(f.pattern())
          .append("` | ")
          .append(ReasonCode.Stage.EXECUTION.label())
          .append(" | ")
          .append(ReasonCode.Retry.DEPENDS.label())
          .append(" |  | ")
          .append(f.description())
          .append(" |\n");
    }
    return sb.toString();
  }
}
