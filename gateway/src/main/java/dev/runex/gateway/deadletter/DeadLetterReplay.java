package dev.runex.gateway.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.schemas.json.AvroJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Turns a dead letter (as JSON, whichever encoding it was written in) back into an intake record.
 * An execution dead letter carries the job: it is resubmitted as a JSON request with the same id,
 * type, tenant, parameters, partition key, labels and limits, a fresh attempt budget, and the label
 * {@code runex.replayOf} naming the dead letter. An intake dead letter carries the original bytes:
 * they are resubmitted as they were, under the original key (fix the producer or the config first).
 */
public final class DeadLetterReplay {
  public static final String REPLAY_LABEL = "runex.replayOf";

  private DeadLetterReplay() {}

  /** Key and value bytes to write to intake. */
  public record IntakeRecord(byte[] key, byte[] value) {}

  public static IntakeRecord toIntake(byte[] originalKey, JsonNode deadLetter, String coordinates) {
    JsonNode job = deadLetter.path("job");
    if (job.isObject()) {
      ObjectNode req = AvroJson.MAPPER.createObjectNode();
      req.put("id", job.path("id").asText());
      req.put("type", job.path("type").asText());
      req.put("tenant", job.path("tenant").asText());
      req.set(
          "params",
          job.path("params").isObject() ? job.get("params") : AvroJson.MAPPER.createObjectNode());
      req.put("partitionKey", job.path("partitionKey").asText());
      req.put("timeout", Duration.ofMillis(job.path("timeoutMs").asLong(30_000)).toString());
      ObjectNode labels =
          job.path("labels").isObject()
              ? ((ObjectNode) job.get("labels")).deepCopy()
              : AvroJson.MAPPER.createObjectNode();
      labels.put(REPLAY_LABEL, coordinates);
      req.set("labels", labels);
      ObjectNode limits = limits(job.path("limits"));
      if (!limits.isEmpty()) {
        req.set("limits", limits);
      }
      byte[] key = job.path("id").asText().getBytes(StandardCharsets.UTF_8);
      return new IntakeRecord(key, req.toString().getBytes(StandardCharsets.UTF_8));
    }
    JsonNode original = deadLetter.path("originalValue");
    if (original.isTextual()) {
      return new IntakeRecord(originalKey, Base64.getDecoder().decode(original.asText()));
    }
    throw new IllegalArgumentException(
        "dead letter " + coordinates + " carries neither a job nor the original bytes");
  }

  /**
   * The job's own limits ({@code JobLimits}: bytes and millis) as the JSON intake's limits object.
   */
  private static ObjectNode limits(JsonNode jobLimits) {
    ObjectNode out = AvroJson.MAPPER.createObjectNode();
    if (!jobLimits.isObject()) {
      return out;
    }
    copyNumber(jobLimits, "memoryBytes", out, "memory");
    copyNumber(jobLimits, "pids", out, "pids");
    copyNumber(jobLimits, "fileSizeBytes", out, "fileSize");
    copyNumber(jobLimits, "outputBytes", out, "output");
    if (jobLimits.path("cpuMs").isNumber()) {
      out.put("cpu", jobLimits.get("cpuMs").asLong() + "ms");
    }
    if (jobLimits.path("network").isBoolean()) {
      out.put("network", jobLimits.get("network").asBoolean());
    }
    return out;
  }

  private static void copyNumber(JsonNode from, String field, ObjectNode to, String as) {
    if (from.path(field).isNumber()) {
      to.put(as, from.get(field).asLong());
    }
  }
}
