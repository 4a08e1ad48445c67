package dev.runex.gateway.api;

import dev.runex.gateway.control.Controls;
import io.javalin.config.RoutesConfig;
import java.util.Locale;

/**
 * The HTTP API's routes, all under {@code /api/v1} and all behind a key (see {@code
 * GatewayServer}); described, route for route, by the {@code openapi.yaml} the gateway serves.
 */
public final class ApiRoutes {
  public static final String PREFIX = "/api/v1";

  private ApiRoutes() {}

  public static void register(
      RoutesConfig r, JobsApi jobs, OperationsApi ops, DeadLettersApi deadLetters) {
    r.post(PREFIX + "/jobs", jobs::submit);
    r.post(PREFIX + "/jobs/batch", jobs::batch);
    r.get(PREFIX + "/jobs", jobs::list);
    r.get(PREFIX + "/jobs/{id}", jobs::status);
    r.get(PREFIX + "/jobs/{id}/result", jobs::result);
    r.get(PREFIX + "/jobs/{id}/transitions", jobs::transitions);
    r.post(PREFIX + "/jobs/{id}/cancel", jobs::cancel);
    for (Controls.Kind kind : Controls.Kind.values()) {
      String base = PREFIX + "/" + kind.name().toLowerCase(Locale.ROOT) + "s/{name}";
      r.post(base + "/pause", ctx -> ops.pause(ctx, kind));
      r.post(base + "/resume", ctx -> ops.resume(ctx, kind));
    }
    r.get(PREFIX + "/pauses", ops::pauses);
    r.get(PREFIX + "/schedules", ops::schedules);
    r.get(PREFIX + "/overview", ops::overview);
    r.get(PREFIX + "/audit", ops::audit);
    r.get(PREFIX + "/dead-letters", deadLetters::list);
    r.get(PREFIX + "/dead-letters/{ref}", deadLetters::show);
    r.post(PREFIX + "/dead-letters/replay", deadLetters::replay);
    r.get(PREFIX + "/replays", deadLetters::replayRuns);
    r.get(PREFIX + "/replays/{id}", deadLetters::replayRun);
  }
}
