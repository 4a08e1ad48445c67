package dev.runex.connectors;

import dev.runex.connectors.avro.RunexAvroConverter;
import dev.runex.connectors.webhook.WebhookSinkConfig;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The settings reference of our Connect plugins as Markdown, generated from their {@link
 * ConfigDef}s so {@code docs/connectors.md} cannot drift from the code (a test compares the two).
 * Run {@link #main} to print the sections.
 */
public final class ConfigReference {
  private ConfigReference() {}

  public static String webhookSink() {
    return table(WebhookSinkConfig.CONFIG_DEF);
  }

  public static String avroConverter() {
    return table(RunexAvroConverter.CONFIG_DEF);
  }

  static String table(ConfigDef def) {
    StringBuilder md =
        new StringBuilder("| Key | Type | Default | Description |\n|---|---|---|---|\n");
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      String dflt =
          key.hasDefault()
              ? "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`"
              : "(required)";
      md.append("| `")
          .append(key.name)
          .append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(dflt)
          .append(" | ")
          .append(key.documentation.replace("|", "\\|"))
          .append(" |\n");
    }
    return md.toString();
  }

  public static void main(String[] args) {
    System.out.println("webhook sink:\n" + webhookSink());
    System.out.println("Avro converter:\n" + avroConverter());
  }
}
