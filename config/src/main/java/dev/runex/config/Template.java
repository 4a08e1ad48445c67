package dev.runex.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A text with placeholders, as job types write commands and URLs: {@code "--size={params.size}"}. A
 * placeholder is {@code {params.<name>}} (a declared parameter), one of {@link #JOB_FIELDS} ({@code
 * {job.id}}, ...) or {@code {workdir}}; {@code {{} and {@code }}} write literal braces. Parsing
 * happens once, at config load, so a typo fails the config instead of a job.
 *
 * <p>Rendering substitutes values as plain text: nothing is ever interpreted by a shell, and the
 * HTTP executor percent-encodes what it puts into a URL.
 *
 * @param source the text as configured
 * @param parts literals and placeholders in order
 */
public record Template(String source, List<Part> parts) {
  public static final String PARAMS = "params.";
  public static final String WORKDIR = "workdir";
  public static final Set<String> JOB_FIELDS =
      Set.of("job.id", "job.type", "job.tenant", "job.attempt", "job.idempotencyKey");

  public Template {
    parts = List.copyOf(parts);
  }

  /** A piece of a template. */
  public sealed interface Part {}

  /** Text copied as it is. */
  public record Literal(String text) implements Part {}

  /** A value looked up by {@code name} ({@code params.size}, {@code job.id}, {@code workdir}). */
  public record Placeholder(String name) implements Part {
    /** The parameter name of a {@code params.*} placeholder, else null. */
    public String param() {
      return name.startsWith(PARAMS) ? name.substring(PARAMS.length()) : null;
    }
  }

  /**
   * Parses {@code text}; {@code key} names the config key in errors, {@code declaredParams} are the
   * parameters a {@code params.*} placeholder may name, {@code allowWorkdir} whether {@code
   * {workdir}} is known.
   */
  public static Template parse(
      String key, String text, Set<String> declaredParams, boolean allowWorkdir) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < text.length() && text.charAt(i + 1) == c) {
        literal.append(c);
        i += 2;
      } else if (c == '{') {
        int end = text.indexOf('}', i);
        if (end < 0) {
          throw new ConfigException(
              key + " has an unclosed '{' in '" + text + "' (write {{ for a literal brace)");
        }
        String name = text.substring(i + 1, end).trim();
        checkName(key, text, name, declaredParams, allowWorkdir);
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(new Placeholder(name));
        i = end + 1;
      } else if (c == '}') {
        throw new ConfigException(
            key + " has a stray '}' in '" + text + "' (write }} for a literal brace)");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    return new Template(text, parts);
  }

  private static void checkName(
      String key, String text, String name, Set<String> params, boolean allowWorkdir) {
    if (name.startsWith(PARAMS)) {
      String param = name.substring(PARAMS.length());
      if (!params.contains(param)) {
        throw new ConfigException(
            key
                + " refers to {"
                + name
                + "} in '"
                + text
                + "', but '"
                + param
                + "' is not a declared parameter (declared: "
                + new java.util.TreeSet<>(params)
                + ")");
      }
      return;
    }
    if (JOB_FIELDS.contains(name) || (allowWorkdir && name.equals(WORKDIR))) {
      return;
    }
    throw new ConfigException(
        key
            + " has an unknown placeholder {"
            + name
            + "} in '"
            + text
            + "' (known: {params.<name>}, "
            + new java.util.TreeSet<>(JOB_FIELDS)
            + (allowWorkdir ? ", {workdir}" : "")
            + ")");
  }

  /** Whether the template has any placeholder. */
  public boolean hasPlaceholders() {
    return parts.stream().anyMatch(p -> p instanceof Placeholder);
  }

  /** The text with each placeholder replaced by {@code values.apply(placeholder)}. */
  public String render(Function<Placeholder, String> values) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        sb.append(l.text());
      } else {
        sb.append(values.apply((Placeholder) p));
      }
    }
    return sb.toString();
  }
}
