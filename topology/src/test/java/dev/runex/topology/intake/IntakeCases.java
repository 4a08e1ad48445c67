package dev.runex.topology.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.intake.IntakeCase.Expect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Generators of intake records for the property tests: good JSON and Avro requests for the test job
 * types ({@code TestConfigs}: echo, resize), and every kind of bad one — truncated, mutated,
 * wrongly typed, huge, deeply nested, invalid UTF-8, duplicate keys, extreme numbers and dates, not
 * an object, unknown schema ids, Avro bodies of other schemas or with lying lengths. Each case says
 * what must become of it ({@link Expect}).
 */
public final class IntakeCases {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The intake cap the tests configure ({@code runex.intake.maxRequestBytes} in TestConfigs). */
  public static final int MAX_REQUEST_BYTES = 8192;

  private final SchemaRegistryClient registry;
  private final ConfluentAvroSerializer<JobRequest> avro;
  private final int stringSchemaId;
  private final int otherRecordSchemaId;

  /** Cases whose Avro records are framed with schema ids registered in {@code registry}. */
  public IntakeCases(SchemaRegistryClient registry) {
    this.registry = registry;
    this.avro = new ConfluentAvroSerializer<>(registry, false);
    this.stringSchemaId = registry.register("fuzz-string", Schema.create(Schema.Type.STRING));
    this.otherRecordSchemaId =
        registry.register(
            "fuzz-other",
            new Schema.Parser()
                .parse(
                    "{\"type\":\"record\",\"name\":\"JobRequest\",\"namespace\":\"dev.runex.schemas\","
                        + "\"fields\":[{\"name\":\"type\",\"type\":\"long\"},"
                        + "{\"name\":\"tenant\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}]}"));
  }

  /** Good and bad records mixed, weighted towards the bad. */
  public Arbitrary<IntakeCase> any() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, goodJson()),
        Tuple.of(2, goodAvro()),
        Tuple.of(1, keyFallback()),
        Tuple.of(3, truncatedJson()),
        Tuple.of(3, mutatedJson()),
        Tuple.of(3, wrongTypes()),
        Tuple.of(1, unknownField()),
        Tuple.of(2, hugeValues()),
        Tuple.of(2, deepNesting()),
        Tuple.of(2, invalidUtf8()),
        Tuple.of(2, duplicateKeys()),
        Tuple.of(3, extremeNumbersAndDates()),
        Tuple.of(2, notAnObject()),
        Tuple.of(1, randomBytes()),
        Tuple.of(1, keys().map(k -> new IntakeCase("tombstone", k, null, Expect.REJECTED))),
        Tuple.of(2, truncatedAvro()),
        Tuple.of(2, mutatedAvro()),
        Tuple.of(2, unknownSchemaId()),
        Tuple.of(1, otherSchemaBody()),
        Tuple.of(2, lyingAvroLengths()),
        Tuple.of(2, extremeAvro()),
        Tuple.of(1, wrongMagic()));
  }

  // ---- good ------------------------------------------------------------------------------------

  /** A valid request object for echo or resize (every optional field sometimes present). */
  public Arbitrary<ObjectNode> goodRequest() {
    Arbitrary<String> text = Arbitraries.strings().ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> id =
        Arbitraries.strings().alpha().numeric().withChars("-_.:").ofMinLength(1).ofMaxLength(40);
    Arbitrary<ObjectNode> echo =
        Combinators.combine(
                id,
                text,
                Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(1, 250))
            .as(
                (i, msg, extras, seconds) -> {
                  ObjectNode n = NODES.objectNode();
                  n.put("id", "fz-" + i);
                  n.put("type", "echo");
                  n.put("tenant", "demo");
                  n.putObject("params").put("message", msg);
                  if ((extras & 1) != 0) {
                    n.put("timeout", seconds + "s");
                    n.putObject("labels").put("team", msg);
                  }
                  if ((extras & 2) != 0) {
                    n.put("delay", "PT" + seconds + "S");
                    n.put("expiresAt", "2027-01-01T00:00:00Z");
                  }
                  if ((extras & 4) != 0) {
                    n.put("partitionKey", msg.isEmpty() ? "p" : msg);
                    n.put("maxAttempts", 1);
                    n.putObject("limits").put("network", false).put("pids", 8);
                  }
                  return n;
                });
    Arbitrary<ObjectNode> resize =
        Combinators.combine(
                id,
                Arbitraries.integers().between(-5, 100_000),
                Arbitraries.of("high", "normal", "low"),
                text)
            .as(
                (i, width, priority, label) -> {
                  ObjectNode n = NODES.objectNode();
                  n.put("id", "fz-" + i);
                  n.put("type", "resize");
                  n.put("tenant", "acme");
                  ObjectNode p = n.putObject("params");
                  p.put("width", width);
                  p.put("ratio", width / 7.0);
                  p.put("sharpen", width % 2 == 0);
                  p.put("label", label);
                  p.putObject("options").putArray("a").add(1).add("x");
                  n.put("priority", priority);
                  n.put("notBefore", 1_790_000_000_000L + width);
                  n.put("maxAttempts", 1 + Math.floorMod(width, 5));
                  return n;
                });
    return Arbitraries.oneOf(echo, resize);
  }

  public Arbitrary<IntakeCase> goodJson() {
    return Combinators.combine(goodRequest(), keys())
        .as((r, k) -> new IntakeCase("good-json", k, bytes(r), Expect.JOB));
  }

  public Arbitrary<IntakeCase> goodAvro() {
    return Combinators.combine(goodRequest(), keys())
        .as((r, k) -> new IntakeCase("good-avro", k, avro(toAvro(r)), Expect.JOB));
  }

  /** No id in the request: the key is the id when it is UTF-8, else one is generated. */
  public Arbitrary<IntakeCase> keyFallback() {
    return Combinators.combine(goodRequest(), keys())
        .as(
            (r, k) -> {
              r.remove("id");
              return new IntakeCase("key-fallback", k, bytes(r), Expect.JOB);
            });
  }

  // ---- bad JSON --------------------------------------------------------------------------------

  public Arbitrary<IntakeCase> truncatedJson() {
    return Combinators.combine(goodRequest(), keys(), Arbitraries.doubles().between(0, 1))
        .as(
            (r, k, f) -> {
              byte[] b = bytes(r);
              int cut = (int) Math.min(b.length - 1, Math.floor(f * b.length));
              return new IntakeCase("truncated-json", k, Arrays.copyOf(b, cut), Expect.REJECTED);
            });
  }

  public Arbitrary<IntakeCase> mutatedJson() {
    return Combinators.combine(goodRequest(), keys(), mutations())
        .as((r, k, m) -> new IntakeCase("mutated-json", k, mutate(bytes(r), m), Expect.EITHER));
  }

  /** A field of the contract given a value of a JSON type it does not take. */
  public Arbitrary<IntakeCase> wrongTypes() {
    Map<String, List<String>> wrong = new HashMap<>();
    List<String> notText = List.of("1", "true", "[\"echo\"]", "{\"a\":1}", "1.5");
    for (String f : List.of("id", "type", "tenant", "partitionKey", "idempotencyKey", "priority")) {
      wrong.put(f, notText);
    }
    wrong.put("params", List.of("\"x\"", "1", "[1,2]", "true"));
    wrong.put("labels", List.of("[]", "\"team\"", "{\"team\":1}", "{\"team\":null}", "{\"t\":{}}"));
    wrong.put(
        "limits",
        List.of(
            "\"64MB\"",
            "[1]",
            "{\"memory\":true}",
            "{\"bogus\":1}",
            "{\"network\":\"yes\"}",
            "{\"pids\":1.5}",
            "{\"memory\":\"lots\"}",
            "{\"cpu\":\"forever\"}"));
    for (String f : List.of("notBefore", "expiresAt")) {
      wrong.put(
          f,
          List.of(
              "true",
              "[]",
              "{}",
              "\"tomorrow\"",
              "\"2026-13-01T00:00:00Z\"",
              "\"2026-02-30T00:00:00Z\"",
              "1.5",
              "\"+1000000000-01-01T00:00:00Z\""));
    }
    for (String f : List.of("delay", "timeout")) {
      wrong.put(f, List.of("true", "[]", "\"forever\"", "\"5 parsecs\"", "-5", "\"-PT1S\"", "1.5"));
    }
    wrong.put("timeout", List.of("true", "[]", "\"forever\"", "0", "-1", "\"PT0S\"", "1.5"));
    wrong.put("maxAttempts", List.of("\"3\"", "2.5", "1e10", "true", "0", "-1", "9999999999"));
    List<Tuple.Tuple2<String, String>> pairs = new ArrayList<>();
    wrong.forEach((f, vs) -> vs.forEach(v -> pairs.add(Tuple.of(f, v))));
    return Combinators.combine(goodRequest(), keys(), Arbitraries.of(pairs))
        .as(
            (r, k, p) -> {
              r.set(p.get1(), parse(p.get2()));
              return new IntakeCase(
                  "wrong-type " + p.get1() + "=" + p.get2(), k, bytes(r), Expect.REJECTED);
            });
  }

  public Arbitrary<IntakeCase> unknownField() {
    return Combinators.combine(
            goodRequest(),
            keys(),
            Arbitraries.of("bogus", "Type", "params ", "", "\u0000", "tenants"))
        .as(
            (r, k, f) -> {
              r.put(f, 1);
              return new IntakeCase("unknown-field", k, bytes(r), Expect.REJECTED);
            });
  }

  /** Values far past the type's payload cap or the intake cap, and numbers past any range. */
  public Arbitrary<IntakeCase> hugeValues() {
    Arbitrary<IntakeCase> longMessage =
        Combinators.combine(goodRequest(), keys(), Arbitraries.integers().between(2_100, 12_000))
            .as(
                (r, k, n) -> {
                  r.with("params").put("message", "x".repeat(n));
                  return new IntakeCase("huge-string", k, bytes(r), Expect.REJECTED);
                });
    Arbitrary<IntakeCase> megabyte =
        keys()
            .map(
                k -> {
                  byte[] b = new byte[1 << 20];
                  Arrays.fill(b, (byte) 'x');
                  b[0] = '{';
                  return new IntakeCase("huge-megabyte", k, b, Expect.REJECTED);
                });
    Arbitrary<IntakeCase> longNumber =
        Combinators.combine(
                goodRequest(),
                keys(),
                Arbitraries.of("maxAttempts", "timeout", "notBefore", "delay"),
                Arbitraries.integers().between(20, 2_000))
            .as(
                (r, k, f, digits) -> {
                  r.remove(List.of("notBefore", "delay"));
                  String json =
                      bytesText(r)
                          .replaceFirst("^\\{", "{\"" + f + "\":" + "9".repeat(digits) + ",");
                  return new IntakeCase("huge-number " + f, k, utf8(json), Expect.REJECTED);
                });
    Arbitrary<IntakeCase> hugeParam =
        Combinators.combine(
                keys(),
                Arbitraries.of(
                    "1e400",
                    "-1e400",
                    "1e-400",
                    "123456789012345678901234567890",
                    "-0.0",
                    "4.9e-324"))
            .as(
                (k, v) ->
                    new IntakeCase(
                        "huge-param " + v,
                        k,
                        utf8(
                            "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"n\":" + v + "}}"),
                        Expect.EITHER));
    return Arbitraries.frequencyOf(
        Tuple.of(5, longMessage),
        Tuple.of(1, megabyte),
        Tuple.of(4, longNumber),
        Tuple.of(4, hugeParam));
  }

  public Arbitrary<IntakeCase> deepNesting() {
    Arbitrary<IntakeCase> inParams =
        Combinators.combine(
                keys(), Arbitraries.integers().between(1, 4_000), Arbitraries.of("[]", "{}"))
            .as(
                (k, depth, brackets) -> {
                  StringBuilder s = new StringBuilder();
                  for (int i = 0; i < depth; i++) {
                    s.append(brackets.charAt(0) == '[' ? "[" : "{\"a\":");
                  }
                  s.append(brackets.charAt(0) == '[' ? "1" : "1");
                  s.append(String.valueOf(brackets.charAt(1)).repeat(depth));
                  String json =
                      "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"deep\":" + s + "}}";
                  return new IntakeCase("deep-params " + depth, k, utf8(json), Expect.EITHER);
                });
    Arbitrary<IntakeCase> atTop =
        Combinators.combine(keys(), Arbitraries.integers().between(1, 4_000))
            .as(
                (k, depth) ->
                    new IntakeCase(
                        "deep-top " + depth,
                        k,
                        utf8("{\"labels\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                        Expect.REJECTED));
    Arbitrary<IntakeCase> unclosed =
        Combinators.combine(keys(), Arbitraries.integers().between(1, 4_000))
            .as(
                (k, depth) ->
                    new IntakeCase(
                        "deep-unclosed " + depth,
                        k,
                        utf8("{\"a\":".repeat(depth)),
                        Expect.REJECTED));
    return Arbitraries.oneOf(inParams, atTop, unclosed);
  }

  /** Bytes that are not UTF-8 (or UTF-8 that decoders disagree on) inside a request's text. */
  public Arbitrary<IntakeCase> invalidUtf8() {
    List<Tuple.Tuple2<byte[], Expect>> seqs =
        List.of(
            Tuple.of(new byte[] {(byte) 0xff}, Expect.REJECTED),
            Tuple.of(new byte[] {(byte) 0xfe, (byte) 0xff}, Expect.REJECTED),
            Tuple.of(new byte[] {(byte) 0x80}, Expect.REJECTED),
            Tuple.of(new byte[] {(byte) 0xe2, (byte) 0x82}, Expect.REJECTED),
            Tuple.of(
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                Expect.REJECTED),
            // overlong '/' and an encoded surrogate: lenient decoders take them
            Tuple.of(new byte[] {(byte) 0xc0, (byte) 0xaf}, Expect.EITHER),
            Tuple.of(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, Expect.EITHER),
            Tuple.of(
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, Expect.EITHER),
            Tuple.of(new byte[] {0x01}, Expect.REJECTED),
            Tuple.of(new byte[] {0x00}, Expect.REJECTED));
    return Combinators.combine(
            goodRequest(), keys(), Arbitraries.of(seqs), Arbitraries.of("id", "tenant", "params"))
        .as(
            (r, k, seq, field) -> {
              String marker = "\u2603MARK\u2603";
              if (field.equals("params")) {
                r.with("params").put("label", marker);
              } else {
                r.put(field, r.path(field).asText() + marker);
              }
              byte[] json = bytes(r);
              byte[] m = utf8(marker);
              int at = indexOf(json, m);
              byte[] out = new byte[json.length - m.length + seq.get1().length];
              System.arraycopy(json, 0, out, 0, at);
              System.arraycopy(seq.get1(), 0, out, at, seq.get1().length);
              System.arraycopy(
                  json, at + m.length, out, at + seq.get1().length, json.length - at - m.length);
              // in tenant a replacement character would be a tenant nobody declared: rejected
              // anyway
              Expect e = field.equals("tenant") ? Expect.REJECTED : seq.get2();
              return new IntakeCase("invalid-utf8 in " + field, k, out, e);
            });
  }

  public Arbitrary<IntakeCase> duplicateKeys() {
    return Combinators.combine(
            goodRequest(), keys(), Arbitraries.of("type", "tenant", "id", "params", "labels"))
        .as(
            (r, k, field) -> {
              String json = bytesText(r);
              String dup =
                  switch (field) {
                    case "params" ->
                        json.replaceFirst("\"params\":\\{", "\"params\":{\"x\":1,\"x\":2,");
                    case "labels" ->
                        json.replaceFirst("^\\{", "{\"labels\":{\"a\":\"1\",\"a\":\"1\"},");
                    default ->
                        json.replaceFirst(
                            "^\\{", "{\"" + field + "\":\"" + r.path(field).asText() + "\",");
                  };
              return new IntakeCase("duplicate-key " + field, k, utf8(dup), Expect.REJECTED);
            });
  }

  /** Valid JSON types with values at and past the edges of their ranges. */
  public Arbitrary<IntakeCase> extremeNumbersAndDates() {
    List<String> numbers =
        List.of(
            "0",
            "-1",
            "1",
            String.valueOf(Long.MAX_VALUE),
            String.valueOf(Long.MIN_VALUE),
            String.valueOf(Integer.MAX_VALUE),
            String.valueOf(Integer.MIN_VALUE),
            "9223372036854775808",
            "-9223372036854775809",
            "1e18",
            "-0",
            "0.0");
    List<String> dates =
        List.of(
            "\"+999999999-12-31T23:59:59.999999999Z\"",
            "\"-999999999-01-01T00:00:00Z\"",
            "\"1970-01-01T00:00:00Z\"",
            "\"0000-01-01T00:00:00Z\"",
            "\"292278994-08-17T07:12:55.807Z\"",
            "\"2026-03-01T10:00:00+18:00\"",
            "\"2026-03-01T10:00:00-18:00\"",
            "\"999999999999999999\"",
            "\"-1\"",
            "\" 2026-03-01T10:00:00Z \"");
    List<String> durations =
        List.of(
            "\"PT9999999999999H\"",
            "\"P106751991167300D\"",
            "\"99999999999999999999d\"",
            "\"9223372036854775807ms\"",
            "\"9223372036854775807d\"",
            "\"PT0.0000001S\"",
            "\"0ms\"",
            "\"-PT5S\"",
            "\"P\"",
            "\"\"",
            "\"PT-0S\"");
    List<String> sizes =
        List.of(
            "\"9999999999999999TB\"",
            "\"8EB\"",
            "\"0\"",
            "\"-1\"",
            "\"17MB\"",
            "\"1B\"",
            "\"999999999999999999\"",
            "\"1 t\"");
    List<Tuple.Tuple2<String, String>> pairs = new ArrayList<>();
    for (String f : List.of("notBefore", "expiresAt")) {
      numbers.forEach(v -> pairs.add(Tuple.of(f, v)));
      dates.forEach(v -> pairs.add(Tuple.of(f, v)));
    }
    for (String f : List.of("delay", "timeout")) {
      numbers.forEach(v -> pairs.add(Tuple.of(f, v)));
      durations.forEach(v -> pairs.add(Tuple.of(f, v)));
    }
    numbers.forEach(v -> pairs.add(Tuple.of("maxAttempts", v)));
    for (String f : List.of("memory", "fileSize", "output")) {
      numbers.forEach(v -> pairs.add(Tuple.of("limits." + f, v)));
      sizes.forEach(v -> pairs.add(Tuple.of("limits." + f, v)));
    }
    numbers.forEach(v -> pairs.add(Tuple.of("limits.pids", v)));
    numbers.forEach(v -> pairs.add(Tuple.of("limits.cpu", v)));
    durations.forEach(v -> pairs.add(Tuple.of("limits.cpu", v)));
    numbers.forEach(v -> pairs.add(Tuple.of("params.width", v)));
    return Combinators.combine(goodRequest(), keys(), Arbitraries.of(pairs), Arbitraries.of(pairs))
        .as(
            (r, k, p1, p2) -> {
              set(r, p1);
              set(r, p2);
              return new IntakeCase("extreme " + p1 + " " + p2, k, bytes(r), Expect.EITHER);
            });
  }

  public Arbitrary<IntakeCase> notAnObject() {
    return Combinators.combine(
            keys(),
            Arbitraries.of(
                "[]",
                "\"x\"",
                "42",
                "null",
                "true",
                "",
                " ",
                "\n\t ",
                "\uFEFF[",
                "\uFEFF",
                "{}",
                "{",
                "}",
                "{\"type\":\"echo\",\"tenant\":\"demo\"}}",
                "{\"type\":\"echo\",\"tenant\":\"demo\"} x",
                "{\"type\":\"echo\",\"tenant\":\"demo\"}{}",
                "/*c*/{\"type\":\"echo\"}",
                "{'type':'echo','tenant':'demo'}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"n\":NaN}}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"n\":Infinity}}",
                "{type:\"echo\"}",
                "{\"type\":\"echo\",\"tenant\":\"demo\"\"id\":\"x\"}",
                "\u0000{}",
                "<xml/>",
                "---\ntype: echo\n",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"id\":\"\"}",
                "{\"type\":\" \",\"tenant\":\"demo\"}",
                "{\"type\":\"echo\",\"tenant\":\"nobody\"}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"idempotencyKey\":\"  \"}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"priority\":\"urgent\"}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"priority\":\"high\"}",
                "{\"type\":\"resize\",\"tenant\":\"acme\"}",
                "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":1.5}}",
                "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":1,\"options\":\"[\"}}",
                "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":1,\"zoom\":2}}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":1,\"delay\":\"1s\"}",
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"1s\",\"expiresAt\":1}"))
        .as((k, v) -> new IntakeCase("not-a-request", k, utf8(v), Expect.REJECTED));
  }

  public Arbitrary<IntakeCase> randomBytes() {
    return Combinators.combine(
            keys(), Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300))
        .as((k, b) -> new IntakeCase("random-bytes", k, b, Expect.REJECTED));
  }

  // ---- bad Avro --------------------------------------------------------------------------------

  public Arbitrary<IntakeCase> truncatedAvro() {
    return Combinators.combine(goodRequest(), keys(), Arbitraries.doubles().between(0, 1))
        .as(
            (r, k, f) -> {
              byte[] b = avro(toAvro(r));
              int cut = (int) Math.min(b.length - 1, Math.floor(f * b.length));
              return new IntakeCase("truncated-avro", k, Arrays.copyOf(b, cut), Expect.REJECTED);
            });
  }

  public Arbitrary<IntakeCase> mutatedAvro() {
    return Combinators.combine(goodRequest(), keys(), mutations())
        .as(
            (r, k, m) -> {
              byte[] b = avro(toAvro(r));
              byte[] body = mutate(Arrays.copyOfRange(b, 5, b.length), m);
              return new IntakeCase(
                  "mutated-avro", k, frame(ByteBuffer.wrap(b, 1, 4).getInt(), body), Expect.EITHER);
            });
  }

  public Arbitrary<IntakeCase> unknownSchemaId() {
    Arbitrary<Integer> ids =
        Arbitraries.oneOf(
            Arbitraries.integers().between(10_000, Integer.MAX_VALUE),
            Arbitraries.integers().between(Integer.MIN_VALUE, 0));
    return Combinators.combine(goodRequest(), keys(), ids)
        .as(
            (r, k, id) -> {
              byte[] b = avro(toAvro(r));
              return new IntakeCase(
                  "unknown-schema-id " + id,
                  k,
                  frame(id, Arrays.copyOfRange(b, 5, b.length)),
                  Expect.REJECTED);
            });
  }

  /** Framed with a known id whose schema is not a JobRequest the reader can resolve. */
  public Arbitrary<IntakeCase> otherSchemaBody() {
    return Combinators.combine(
            keys(), Arbitraries.strings().ofMaxLength(50), Arbitraries.of(true, false))
        .as(
            (k, s, asString) -> {
              byte[] body;
              int id;
              if (asString) {
                body = encode(Schema.create(Schema.Type.STRING), s);
                id = stringSchemaId;
              } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                writeVarLong(out, s.length()); // the long "type"
                writeVarLong(out, 1); // one array block of one int
                writeVarLong(out, 7);
                writeVarLong(out, 0);
                body = out.toByteArray();
                id = otherRecordSchemaId;
              }
              return new IntakeCase("other-schema", k, frame(id, body), Expect.REJECTED);
            });
  }

  /** Bodies whose length prefixes and block counts claim far more than there is. */
  public Arbitrary<IntakeCase> lyingAvroLengths() {
    Arbitrary<Long> lengths =
        Arbitraries.oneOf(
            Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE, -1L, 1L << 40),
            Arbitraries.longs().between(1_000_000, Long.MAX_VALUE),
            Arbitraries.longs().between(Long.MIN_VALUE, -1));
    return Combinators.combine(keys(), lengths, Arbitraries.integers().between(0, 4))
        .as(
            (k, len, where) -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              switch (where) {
                case 0 -> { // id: union branch 1 (string), then the string's length
                  writeVarLong(out, 1);
                  writeVarLong(out, len);
                }
                case 1 -> { // id null, type: string length
                  writeVarLong(out, 0);
                  writeVarLong(out, len);
                }
                case 2 -> { // id null, type "echo", tenant "demo", params: a map block count
                  writeVarLong(out, 0);
                  writeString(out, "echo");
                  writeString(out, "demo");
                  writeVarLong(out, len);
                }
                case 3 -> { // ... a map block claiming many entries, the first one real
                  writeVarLong(out, 0);
                  writeString(out, "echo");
                  writeString(out, "demo");
                  writeVarLong(out, Math.abs(len % (1L << 31)));
                  writeString(out, "a");
                  writeVarLong(out, 0);
                  writeString(out, "b");
                  writeVarLong(out, 0);
                }
                default -> { // ... a map block with a negative count and a lying byte size
                  writeVarLong(out, 0);
                  writeString(out, "echo");
                  writeString(out, "demo");
                  writeVarLong(out, -3);
                  writeVarLong(out, len);
                }
              }
              out.writeBytes(new byte[] {1, 2, 3});
              return new IntakeCase(
                  "lying-avro-length " + where + " " + len,
                  k,
                  frame(jobRequestId(), out.toByteArray()),
                  Expect.REJECTED);
            });
  }

  /** Well-formed Avro whose values sit at the edges of their types' ranges. */
  public Arbitrary<IntakeCase> extremeAvro() {
    Arbitrary<Long> longs =
        Arbitraries.oneOf(
            Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L, 1L, (long) Integer.MAX_VALUE),
            Arbitraries.longs());
    Arbitrary<Integer> ints = Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1, 1, 5, 6);
    Arbitrary<Object> params =
        Arbitraries.oneOf(
            Arbitraries.of(
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                -0.0,
                Double.MIN_VALUE),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s));
    return Combinators.combine(
            goodRequest(),
            keys(),
            longs,
            longs,
            ints,
            params,
            Arbitraries.integers().between(0, 127))
        .as(
            (r, k, a, b, n, p, which) -> {
              JobRequest req = toAvro(r);
              if ((which & 1) != 0) {
                req.setNotBefore(Instant.ofEpochMilli(a));
              }
              if ((which & 2) != 0) {
                req.setExpiresAt(Instant.ofEpochMilli(b));
              }
              if ((which & 4) != 0) {
                req.setNotBefore(null);
                req.setDelayMs(a);
              }
              if ((which & 8) != 0) {
                req.setTimeoutMs(b);
              }
              if ((which & 16) != 0) {
                req.setMaxAttempts(n);
              }
              if ((which & 32) != 0) {
                req.setLimits(
                    JobLimits.newBuilder()
                        .setMemoryBytes(a)
                        .setCpuMs(b)
                        .setPids(n)
                        .setFileSizeBytes(b)
                        .setOutputBytes(a)
                        .setNetwork(n > 0)
                        .build());
              }
              if ((which & 64) != 0) {
                Map<String, Object> ps = new HashMap<>(req.getParams());
                ps.put("width", p);
                ps.put("message", p);
                req.setParams(ps);
                req.setPriority(JobPriority.values()[Math.floorMod(n, 3)]);
              }
              return new IntakeCase("extreme-avro " + which, k, avro(req), Expect.EITHER);
            });
  }

  public Arbitrary<IntakeCase> wrongMagic() {
    return Combinators.combine(
            goodRequest(), keys(), Arbitraries.bytes().filter(b -> b != 0 && b != '{' && b != ' '))
        .as(
            (r, k, magic) -> {
              byte[] b = avro(toAvro(r));
              b[0] = magic;
              return new IntakeCase("wrong-magic", k, b, Expect.REJECTED);
            });
  }

  // ---- keys ------------------------------------------------------------------------------------

  /** Record keys: UTF-8 ids mostly, sometimes none, empty, binary or huge. */
  public static Arbitrary<byte[]> keys() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            6,
            Arbitraries.strings()
                .alpha()
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(36)
                .map(IntakeCases::utf8)),
        Tuple.of(1, Arbitraries.just((byte[]) null)),
        Tuple.of(1, Arbitraries.just(new byte[0])),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40)),
        Tuple.of(1, Arbitraries.strings().ofMinLength(1).ofMaxLength(20).map(IntakeCases::utf8)),
        Tuple.of(1, Arbitraries.integers().between(1_000, 20_000).map(n -> utf8("k".repeat(n)))));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A byte mutation: operation (0 flip, 1 replace, 2 insert, 3 delete), position, value. */
  record Mutation(int op, double at, byte value) {}

  private static Arbitrary<List<Mutation>> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.bytes())
        .as(Mutation::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  private static byte[] mutate(byte[] in, List<Mutation> ms) {
    List<Byte> b = new ArrayList<>();
    for (byte x : in) {
      b.add(x);
    }
    for (Mutation m : ms) {
      int i = (int) Math.min(Math.max(0, b.size() - 1), Math.floor(m.at() * b.size()));
      switch (m.op()) {
        case 0 -> {
          if (!b.isEmpty()) {
            b.set(i, (byte) (b.get(i) ^ (1 << Math.floorMod(m.value(), 8))));
          }
        }
        case 1 -> {
          if (!b.isEmpty()) {
            b.set(i, m.value());
          }
        }
        case 2 -> b.add(i, m.value());
        default -> {
          if (!b.isEmpty()) {
            b.remove(i);
          }
        }
      }
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  private static void set(ObjectNode r, Tuple.Tuple2<String, String> p) {
    String f = p.get1();
    JsonNode v = parse(p.get2());
    if (f.startsWith("limits.")) {
      JsonNode limits = r.get("limits");
      ObjectNode l = limits instanceof ObjectNode o ? o : r.putObject("limits");
      l.set(f.substring("limits.".length()), v);
    } else if (f.startsWith("params.")) {
      r.with("params").set(f.substring("params.".length()), v);
    } else {
      r.set(f, v);
    }
  }

  /** The JSON request as the Avro record (the JSON contract maps 1:1 onto it). */
  private JobRequest toAvro(ObjectNode r) {
    DecodeResult d = new JsonRequestParser().parse(bytes(r));
    if (!(d instanceof DecodeResult.Decoded decoded)) {
      throw new IllegalStateException("a good request did not decode: " + d + " " + r);
    }
    return decoded.request();
  }

  private byte[] avro(JobRequest r) {
    return avro.serialize("runex.intake", r);
  }

  private int jobRequestId() {
    return registry.register("runex.intake-value", JobRequest.getClassSchema());
  }

  private static byte[] frame(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  private static byte[] encode(Schema schema, Object value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<>(schema).write(value, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = utf8(s);
    writeVarLong(out, b.length);
    out.writeBytes(b);
  }

  /** Avro's zig-zag varint. */
  private static void writeVarLong(ByteArrayOutputStream out, long v) {
    long n = (v << 1) ^ (v >> 63);
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7f) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static byte[] bytes(JsonNode n) {
    return utf8(n.toString());
  }

  private static String bytesText(JsonNode n) {
    return n.toString();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }
}
