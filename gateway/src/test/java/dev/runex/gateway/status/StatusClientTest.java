package dev.runex.gateway.status;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusClientTest {

  @Test
  void saysTheStatusApplicationIsOffInsteadOfCallingAnApiNobodyServes() {
    RunexConfig off =
        ConfigLoader.load(null, Map.of(), Map.of(Settings.TOPOLOGY_STATUS_ENABLED.key(), "false"));

    assertThatThrownBy(() -> StatusClient.of(null, off))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runex.topology.statusEnabled is false")
        .hasMessageContaining("--status-url");
  }

  @Test
  void saysWhenTheApiHasNoPort() {
    RunexConfig noPort =
        ConfigLoader.load(null, Map.of(), Map.of(Settings.TOPOLOGY_STATUS_PORT.key(), "-1"));

    assertThatThrownBy(() -> StatusClient.of(null, noPort))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runex.topology.statusPort is -1");
  }
}
