package dev.runex.k8s;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Jackson configured to read Kubernetes, Strimzi and KEDA models strictly — the four things the
 * models let slip otherwise:
 *
 * <ol>
 *   <li>unknown fields: the models' any-setters (which swallow them into {@code
 *       additionalProperties}) are switched off and unknown properties fail;
 *   <li>wrong scalar types: no coercion ({@code "2"} is not an int, {@code 2} is not a string);
 *   <li>unknown enum values, which Strimzi maps to null: {@link #lostFields} compares a write-back
 *       of the object with its input;
 *   <li>required fields, which no model checks: see {@link RequiredFields}.
 * </ol>
 */
final class StrictYaml {
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper MODELS = models();

  private StrictYaml() {}

  private static ObjectMapper models() {
    ObjectMapper m =
        JsonMapper.builder()
            .annotationIntrospector(new NoAnySetters())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule().setDeserializerModifier(new NoNullEnums()))
            .build();
    for (LogicalType numberish :
        List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      m.coercionConfigFor(numberish).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    for (CoercionInputShape scalar :
        List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      m.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
    }
    return m;
  }

  /** No any-setters, and no class-level ignoreUnknown. */
  private static final class NoAnySetters extends JacksonAnnotationIntrospector {
    @Override
    public Boolean hasAnySetter(Annotated a) {
      return Boolean.FALSE;
    }

    @Override
    public JsonIgnoreProperties.Value findPropertyIgnoralByName(
        com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, Annotated a) {
      return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
    }
  }

  /**
   * Strimzi's enums map a value they do not know to null ({@code @JsonCreator forValue}): here a
   * text that reads as no enum value fails, naming the field.
   */
  private static final class NoNullEnums extends BeanDeserializerModifier {
    @Override
    public JsonDeserializer<?> modifyEnumDeserializer(
        DeserializationConfig config, JavaType type, BeanDescription desc, JsonDeserializer<?> d) {
      return new StdDelegatingNullCheck(d, type);
    }
  }

  private static final class StdDelegatingNullCheck extends JsonDeserializer<Object>
      implements ContextualDeserializer {
    private final JsonDeserializer<?> delegate;
    private final JavaType type;

    StdDelegatingNullCheck(JsonDeserializer<?> delegate, JavaType type) {
      this.delegate = delegate;
      this.type = type;
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getText();
      Object value = delegate.deserialize(p, ctxt);
      if (value == null) {
        throw MismatchedInputException.from(
            p,
            type,
            "'"
                + text
                + "' is not one of "
                + java.util.Arrays.toString(type.getRawClass().getEnumConstants()));
      }
      return value;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
        throws JsonMappingException {
      JsonDeserializer<?> d =
          delegate instanceof ContextualDeserializer c
              ? c.createContextual(ctxt, property)
              : delegate;
      return new StdDelegatingNullCheck(d, type);
    }
  }

  /** Every YAML document of {@code text}, as trees (empty documents skipped). */
  static List<JsonNode> documents(String text) {
    List<JsonNode> out = new ArrayList<>();
    try (var it =
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(new YAMLFactory().createParser(text))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          out.add(doc);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ManifestException("not YAML: " + e.getMessage());
    }
    return out;
  }

  /** Reads {@code tree} as {@code type}, strictly; the message names the offending field. */
  static <T> T convert(JsonNode tree, Class<T> type) {
    try {
      return MODELS.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference r : e.getPath()) {
        path.append('/').append(r.getFieldName() != null ? r.getFieldName() : r.getIndex());
      }
      String message = e.getOriginalMessage().lines().findFirst().orElse(e.toString());
      throw new ManifestException("at " + (path.length() == 0 ? "/" : path) + ": " + message);
    } catch (IOException | IllegalArgumentException e) {
      throw new ManifestException(e.getMessage().lines().findFirst().orElse(e.toString()));
    }
  }

  /**
   * Paths of {@code input} whose value did not survive reading into the model and writing back (a
   * misspelt enum value read as null, a field the model dropped). Fields the model adds (defaults)
   * do not count; {@code apiVersion} is ignored (Strimzi writes its newest).
   */
  static List<String> lostFields(JsonNode input, Object model) {
    JsonNode back = MODELS.valueToTree(model);
    List<String> lost = new ArrayList<>();
    compare("", input, back, lost);
    lost.remove("/apiVersion");
    // a field the model leaves out when it holds its default (Strimzi's patternType: literal) is
    // not
    // lost: the input without it reads into an equal model
    lost.removeIf(path -> isDefault(input, path, model));
    return lost;
  }

  private static boolean isDefault(JsonNode input, String path, Object model) {
    JsonNode without = input.deepCopy();
    JsonPointer pointer = JsonPointer.compile(path);
    if (!(without.at(pointer.head()) instanceof ObjectNode parent)) {
      return false;
    }
    parent.remove(pointer.last().getMatchingProperty());
    try {
      return MODELS.treeToValue(without, model.getClass()).equals(model);
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void compare(String path, JsonNode in, JsonNode out, List<String> lost) {
    if (in.isObject()) {
      if (out == null || !out.isObject()) {
        lost.add(path);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = in.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        compare(path + "/" + f.getKey(), f.getValue(), out.get(f.getKey()), lost);
      }
    } else if (in.isArray()) {
      if (out == null || !out.isArray() || out.size() != in.size()) {
        lost.add(path);
        return;
      }
      for (int i = 0; i < in.size(); i++) {
        compare(path + "/" + i, in.get(i), out.get(i), lost);
      }
    } else if (out == null || !sameScalar(in, out)) {
      lost.add(path);
    }
  }

  private static boolean sameScalar(JsonNode in, JsonNode out) {
    if (in.isNumber() && out.isNumber()) {
      return in.decimalValue().compareTo(out.decimalValue()) == 0;
    }
    return in.isNull()
        ? out.isNull()
        : in.asText().equals(out.asText()) && in.isTextual() == out.isTextual();
  }
}
