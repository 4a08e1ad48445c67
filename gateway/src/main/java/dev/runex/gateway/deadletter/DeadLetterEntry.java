package dev.runex.gateway.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.json.AvroJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * One dead letter as read from the topic: its coordinates, key and decoded value (JSON, whichever
 * encoding it was written in), with the fields operators search by. Its reference is {@code
 * <partition>-<offset>} (also accepted as {@code <partition>:<offset>}).
 */
public record DeadLetterEntry(int partition, long offset, byte[] key, JsonNode value) {

  public String coordinates(String topic) {
    return topic + "/" + partition + "/" + offset;
  }

  /** The reference the API and console use: {@code <partition>-<offset>}. */
  public String ref() {
    return partition + "-" + offset;
  }

  public String keyText() {
    return RecordText.key(key);
  }

  public String jobId() {
    String id = value.path("jobId").asText("");
    return id.isEmpty() ? keyText() : id;
  }

  /** True for a job id, a record key, or {@code partition:offset} / {@code partition-offset}. */
  public boolean matches(String ref) {
    return ref.equals(partition + ":" + offset)
        || ref.equals(ref())
        || ref.equals(keyText())
        || ref.equals(value.path("jobId").asText(null));
  }

  /**
   * The tenant: the job's (execution dead letters), else the one the original JSON request named
   * (intake dead letters); null when neither says (undecodable input: operators only).
   */
  public String tenant() {
    String t = value.path("job").path("tenant").asText("");
    if (!t.isEmpty()) {
      return t;
    }
    return originalJson()
        .map(j -> j.path("tenant").asText(""))
        .filter(s -> !s.isEmpty())
        .orElse(null);
  }

  public String type() {
    String t = value.path("job").path("type").asText("");
    if (!t.isEmpty()) {
      return t;
    }
    return originalJson()
        .map(j -> j.path("type").asText(""))
        .filter(s -> !s.isEmpty())
        .orElse(null);
  }

  public String code() {
    return value.path("reason").path("code").asText("");
  }

  public String message() {
    return value.path("reason").path("message").asText("");
  }

  public String stage() {
    return value.path("stage").asText("");
  }

  public Instant failedAt() {
    String t = value.path("lastFailureAt").asText("");
    return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
  }

  /** The original record bytes of an intake dead letter, if it carries them. */
  public Optional<byte[]> originalBytes() {
    JsonNode original = value.path("originalValue");
    return original.isTextual()
        ? Optional.of(Base64.getDecoder().decode(original.asText()))
        : Optional.empty();
  }

  /** The original bytes as text when they are UTF-8 text, else empty (show them as base64). */
  public Optional<String> originalText() {
    return originalBytes().flatMap(DeadLetterEntry::utf8);
  }

  private Optional<JsonNode> originalJson() {
    return originalText()
        .flatMap(
            text -> {
              try {
                JsonNode n = AvroJson.MAPPER.readTree(text);
                return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
              } catch (java.io.IOException e) {
                return Optional.empty();
              }
            });
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      boolean control = s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t');
      return control ? Optional.empty() : Optional.of(s);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
