package dev.runex.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.HttpSpec.BreakerSpec;
import dev.runex.config.ProcessSpec.ExitAction;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.PriorityNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the structured blocks of a job type — {@code limits}, {@code process}, {@code http} — and
 * holds the node readers the job-type parser shares. Every error names the full key and the bad
 * value. The accepted keys come from {@link ConfigLoader.JobTypeParser#KEY_DOCS}, the one
 * documented list.
 */
final class JobTypeBlocks {
  /** Headers the JDK HTTP client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "idempotency-key",
          "traceparent");

  private JobTypeBlocks() {}

  static ExecutionLimits limits(String p, JsonNode n, String executor) {
    ExecutionLimits d = ExecutionLimits.defaultsFor(executor);
    if (n == null || n.isNull()) {
      return d;
    }
    checkKeys(p, n, keysUnder("limits."));
    long memory = size(p + ".memory", n, "memory", d.memoryBytes());
    Duration cpu = duration(p + ".cpu", n, "cpu", d.cpu());
    int pids = intValue(p + ".pids", n, "pids", d.pids());
    long fileSize = size(p + ".fileSize", n, "fileSize", d.fileSizeBytes());
    long output = size(p + ".output", n, "output", d.outputBytes());
    ExecutionLimits.check(p, memory, cpu, pids, fileSize, output);
    boolean network = bool(p + ".network", n, "network", d.network());
    List<String> env = d.env();
    JsonNode e = n.get("env");
    if (e != null && !e.isNull()) {
      if (!e.isArray()) {
        throw new ConfigException(
            p + ".env must be a list of environment variable names, was " + e);
      }
      List<String> names = new ArrayList<>();
      e.forEach(x -> names.add(envName(p + ".env", x.asText())));
      env = names;
    }
    return new ExecutionLimits(memory, cpu, pids, fileSize, output, network, env);
  }

  /** Programs that run the argument after {@code -c} (shells, python) or {@code -e} as code. */
  private static final java.util.regex.Pattern INTERPRETER =
      java.util.regex.Pattern.compile(
          "(?:ba|da|z|k|a|mk)?sh|busybox|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node(?:js)?|php[0-9.]*");

  /** Placeholders whose values a request cannot choose (config or runex decide them). */
  private static final Set<String> FIXED_VALUES = Set.of("workdir", "job.type", "job.attempt");

  /**
   * Refuses a request-chosen value (a parameter, the job id, the idempotency key, the tenant)
   * spliced into the code an interpreter runs ({@code sh -c 'echo {params.x}'}): there a value like
   * {@code ; rm -rf ~} would be code. Values must be arguments of their own ({@code sh -c 'echo
   * "$1"' sh {params.x}}), which nothing parses.
   */
  private static void checkNoValueInInlineCode(String p, List<Template> command) {
    String program = command.get(0).source();
    if (!INTERPRETER.matcher(program.substring(program.lastIndexOf('/') + 1)).matches()) {
      return;
    }
    for (int i = 2; i < command.size(); i++) {
      String flag = command.get(i - 1).source();
      boolean code = flag.matches("-[A-Za-z]*[cCeE]") && !flag.startsWith("--");
      if (!code) {
        continue;
      }
      for (Template.Part part : command.get(i).parts()) {
        if (part instanceof Template.Placeholder ph && !FIXED_VALUES.contains(ph.name())) {
          throw new ConfigException(
              p
                  + ".command["
                  + i
                  + "] puts {"
                  + ph.name()
                  + "} into the code that "
                  + program
                  + " "
                  + flag
                  + " runs, where a value like '; rm -rf ~' would run too: pass it as an argument"
                  + " of its own instead, e.g. [\"/bin/sh\", \"-c\", \"echo \\\"$1\\\"\", \"sh\", \"{"
                  + ph.name()
                  + "}\"]");
        }
      }
    }
  }

  static ProcessSpec process(String p, JsonNode n, Set<String> params) {
    if (n == null || n.isNull()) {
      return null;
    }
    checkKeys(p, n, keysUnder("process."));
    JsonNode c = n.get("command");
    if (c == null || !c.isArray() || c.isEmpty()) {
      throw new ConfigException(
          p + ".command must be a non-empty list: the program, then its arguments");
    }
    List<Template> command = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      if (!c.get(i).isValueNode() || c.get(i).isNull()) {
        throw new ConfigException(p + ".command[" + i + "] must be a string, was " + c.get(i));
      }
      command.add(Template.parse(p + ".command[" + i + "]", c.get(i).asText(), params, true));
    }
    if (command.get(0).hasPlaceholders() || command.get(0).source().isBlank()) {
      throw new ConfigException(
          p
              + ".command[0] must be a fixed program (no placeholders), was '"
              + command.get(0).source()
              + "'");
    }
    checkNoValueInInlineCode(p, command);
    Map<Integer, ExitAction> codes = new LinkedHashMap<>();
    ExitAction otherwise = ExitAction.PERMANENT;
    JsonNode ec = n.get("exitCodes");
    if (ec != null && !ec.isNull()) {
      if (!ec.isObject()) {
        throw new ConfigException(
            p + ".exitCodes must map exit codes (or default) to success, retryable or permanent");
      }
      for (var it = ec.fields(); it.hasNext(); ) {
        var e = it.next();
        String key = p + ".exitCodes." + e.getKey();
        ExitAction action = ExitAction.parse(key, e.getValue().asText());
        if (e.getKey().equals("default")) {
          otherwise = action;
        } else {
          codes.put(exitCode(key, e.getKey()), action);
        }
      }
    }
    return new ProcessSpec(command, codes, otherwise);
  }

  static HttpSpec http(String p, JsonNode n, Set<String> params) {
    if (n == null || n.isNull()) {
      return null;
    }
    checkKeys(p, n, keysUnder("http."));
    Template url = url(p + ".url", text(n, "url", null), params);
    String method = text(n, "method", "POST").trim().toUpperCase(Locale.ROOT);
    if (!HttpSpec.METHODS.contains(method)) {
      throw new ConfigException(
          p
              + ".method must be one of GET, POST, PUT, PATCH, DELETE, was '"
              + text(n, "method", "")
              + "'");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = n.get("headers");
    if (h != null && !h.isNull()) {
      checkIsObject(p + ".headers", h);
      h.fields()
          .forEachRemaining(
              e ->
                  headers.put(
                      header(p + ".headers", e.getKey(), e.getValue()), e.getValue().asText()));
    }
    Duration timeout = duration(p + ".timeout", n, "timeout", Duration.ofSeconds(10));
    if (timeout.toMillis() < 1) {
      throw new ConfigException(p + ".timeout must be > 0, was " + timeout);
    }
    return new HttpSpec(url, method, headers, timeout, breaker(p + ".breaker", n.get("breaker")));
  }

  private static BreakerSpec breaker(String p, JsonNode n) {
    BreakerSpec d = BreakerSpec.DEFAULT;
    if (n == null || n.isNull()) {
      return d;
    }
    checkKeys(p, n, keysUnder("http.breaker."));
    int window = intValue(p + ".window", n, "window", d.window());
    return new BreakerSpec(
        intValue(p + ".failureRate", n, "failureRate", d.failureRate()),
        window,
        intValue(p + ".minCalls", n, "minCalls", Math.min(d.minCalls(), window)),
        duration(p + ".openFor", n, "openFor", d.openFor()));
  }

  /** The URL template: http(s), a literal authority, placeholders only in the path and query. */
  private static Template url(String key, String text, Set<String> params) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(key + " is required with executor http");
    }
    Template t = Template.parse(key, text, params, false);
    int schemeEnd = text.indexOf("://");
    int pathStart = schemeEnd < 0 ? -1 : indexOfAny(text, schemeEnd + 3);
    int firstPlaceholder = text.replace("{{", "  ").indexOf('{');
    if (schemeEnd < 0
        || (firstPlaceholder >= 0 && (pathStart < 0 || firstPlaceholder < pathStart))) {
      throw new ConfigException(
          key
              + " must be an absolute http(s) URL whose scheme, host and port are fixed "
              + "(placeholders only in the path and query), was '"
              + text
              + "'");
    }
    try {
      URI probe = new URI(t.render(ph -> "x"));
      String scheme = probe.getScheme() == null ? "" : probe.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || probe.getHost() == null) {
        throw new ConfigException(
            key + " must be an http or https URL with a host, was '" + text + "'");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(
          key + " is not a valid URL: '" + text + "' (" + e.getReason() + ")");
    }
    return t;
  }

  private static int indexOfAny(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  private static String header(String p, String name, JsonNode value) {
    if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new ConfigException(p + " has an invalid header name '" + name + "'");
    }
    if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new ConfigException(
          p + "." + name + " cannot be configured (runex or the HTTP client sets it)");
    }
    if (!value.isValueNode() || value.asText().contains("\r") || value.asText().contains("\n")) {
      throw new ConfigException(p + "." + name + " must be a single-line string, was " + value);
    }
    return name;
  }

  private static int exitCode(String key, String text) {
    try {
      int code = Integer.parseInt(text.trim());
      if (code < 0 || code > 255) {
        throw new NumberFormatException();
      }
      return code;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": exit codes are 0..255 or default, was '" + text + "'");
    }
  }

  private static String envName(String key, String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new ConfigException(key + " must list environment variable names, was '" + name + "'");
    }
    return name;
  }

  /** The first segment of every documented key under {@code prefix}: what a block accepts. */
  static Set<String> keysUnder(String prefix) {
    Set<String> out = new LinkedHashSet<>();
    for (String k : ConfigLoader.JobTypeParser.KEY_DOCS.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        out.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
      }
    }
    return out;
  }

  static void checkKeys(String prefix, JsonNode n, Set<String> allowed) {
    checkIsObject(prefix, n);
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!allowed.contains(k)) {
                throw new ConfigException(
                    "unknown setting " + prefix + "." + k + " (known: " + allowed + ")");
              }
            });
  }

  private static void checkIsObject(String prefix, JsonNode n) {
    if (!n.isObject()) {
      throw new ConfigException(prefix + " must be a mapping");
    }
  }

  static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  static Duration duration(String key, JsonNode n, String field, Duration dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    try {
      return v.isNumber() ? Duration.ofMillis(v.asLong()) : Durations.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key + " must be a duration (PT5S, 5s, 250ms), was '" + v.asText() + "'");
    }
  }

  static long size(String key, JsonNode n, String field, long dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    try {
      return v.isIntegralNumber() ? v.asLong() : Sizes.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key + " must be a size (65536, 64KB, 256MB, 1GB), was '" + v.asText() + "'");
    }
  }

  static int intValue(String key, JsonNode n, String field, int dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.asInt();
    }
    try {
      return Integer.parseInt(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, was '" + v.asText() + "'");
    }
  }

  static boolean bool(String key, JsonNode n, String field, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new ConfigException(key + " must be true or false, was '" + v.asText() + "'");
    };
  }

  /** {@code priorities: [high, normal]}; absent means the job type's defaults (null). */
  static Set<JobPriority> priorities(String key, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw new ConfigException(key + " must be a list of " + PriorityNames.CHOICES + ", was " + n);
    }
    Set<JobPriority> out = EnumSet.noneOf(JobPriority.class);
    for (JsonNode p : n) {
      out.add(
          PriorityNames.parse(p.asText())
              .orElseThrow(
                  () ->
                      new ConfigException(
                          key
                              + " entries must be "
                              + PriorityNames.CHOICES
                              + ", was '"
                              + p.asText()
                              + "'")));
    }
    return out;
  }
}
