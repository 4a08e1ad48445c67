package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {

  @Test
  void registryHasTheBuiltinsAndHandlersFoundByServiceLoader() {
    HandlerRegistry registry = HandlerRegistry.withBuiltins();

    assertThat(registry.names()).contains("echo", "sleep", "fail", ServiceLoadedHandler.NAME);
    assertThat(registry.find(ServiceLoadedHandler.NAME))
        .containsInstanceOf(ServiceLoadedHandler.class);
  }

  @Test
  void registeredHandlerReplacesOneWithTheSameName() {
    JobHandler mine =
        new JobHandler() {
          @Override
          public String name() {
            return "echo";
          }

          @Override
          public String handle(JobContext ctx) {
            return "mine";
          }
        };

    HandlerRegistry registry = HandlerRegistry.withBuiltins().register(mine);

    assertThat(registry.find("echo")).containsSame(mine);
    assertThat(registry.find("missing")).isEmpty();
  }
}
