package dev.runex.topology.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder with the real HTTP registry client, against replies a Confluent-compatible registry
 * gives for schemas that are not Avro: registries hold Protobuf and JSON Schema too, and a record
 * framed with such an id (magic byte 0, like Avro) arrives on intake.
 */
class IntakeDecoderRegistryRepliesTest {
  private static final Map<Integer, String> REPLIES =
      Map.of(
          7,
          "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\"; message Job { string id = 1; }\"}",
          8,
          "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}",
          9,
          "{\"schema\":\"this is not an Avro schema\"}");

  private HttpServer registry;
  private IntakeDecoder decoder;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    registry.createContext(
        "/schemas/ids/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String reply = REPLIES.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
          byte[] body = reply.getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", "application/vnd.schemaregistry.v1+json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    registry.start();
    decoder =
        new IntakeDecoder(
            SchemaRegistryClient.forUrl("http://127.0.0.1:" + registry.getAddress().getPort()),
            1024);
  }

  @AfterEach
  void stopRegistry() {
    registry.stop(0);
  }

  @Test
  void aRecordFramedWithTheIdOfAProtobufSchemaIsRejectedAsUnsupportedEncoding() {
    // when
    DecodeResult result =
        decoder.decode("runex.intake", framed(7, new byte[] {0x0a, 0x02, 'j', '1'}));

    // then: a refusal naming what it is (before, the Avro parser's exception left the processor)
    assertThat(result).isInstanceOf(Undecodable.class);
    Undecodable u = (Undecodable) result;
    assertThat(u.code()).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING.code());
    assertThat(u.message()).contains("schema id 7").contains("PROTOBUF");
    assertThat(u.format()).isEqualTo(IntakeFormat.UNKNOWN);
  }

  @Test
  void aJsonSchemaOrUnparseableSchemaIsRejectedAsUnsupportedEncodingToo() {
    // when
    DecodeResult json =
        decoder.decode("runex.intake", framed(8, "{\"id\":1}".getBytes(StandardCharsets.UTF_8)));
    DecodeResult garbage = decoder.decode("runex.intake", framed(9, new byte[] {1, 2, 3}));

    // then
    assertThat(((Undecodable) json).code()).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING.code());
    assertThat(((Undecodable) json).message()).contains("JSON");
    assertThat(((Undecodable) garbage).code()).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING.code());
    assertThat(((Undecodable) garbage).message()).contains("not an Avro schema");
  }

  private static byte[] framed(int schemaId, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
  }
}
