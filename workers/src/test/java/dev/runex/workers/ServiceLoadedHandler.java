package dev.runex.workers;

import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;

/** Registered in src/test/resources/META-INF/services: proves ServiceLoader discovery. */
public final class ServiceLoadedHandler implements JobHandler {
  static final String NAME = "service-loaded";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String handle(JobContext ctx) {
    return "loaded";
  }
}
