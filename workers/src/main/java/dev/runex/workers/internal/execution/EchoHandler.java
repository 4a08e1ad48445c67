package dev.runex.workers.internal.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import java.util.TreeMap;

/**
 * Built-in {@code echo}: outputs the job's parameters as a JSON object, keys sorted: {@code
 * {"message":"hi"}}.
 */
public final class EchoHandler implements JobHandler {
  public static final String NAME = "echo";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String handle(JobContext ctx) throws JsonProcessingException {
    return JSON.writeValueAsString(new TreeMap<>(ctx.params()));
  }
}
