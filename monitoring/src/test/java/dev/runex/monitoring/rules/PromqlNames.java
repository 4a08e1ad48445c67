package dev.runex.monitoring.rules;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
 * grouping clauses, Grafana variables, numbers and durations are taken out, minus functions (a name
 * followed by a parenthesis) and keywords.
 */
final class PromqlNames {
  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
  private static final Pattern NUMBER =
      Pattern.compile("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?\\b");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "Inf", "NaN", "inf", "nan", "by", "without");

  private PromqlNames() {}

  static Set<String> of(String expr) {
    String s = STRING.matcher(expr).replaceAll(" ");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGE.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = VARIABLE.matcher(s).replaceAll(" ");
    s = NUMBER.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = NAME.matcher(s);
    while (m.find()) {
      String name = m.group();
      boolean function = s.substring(m.end()).stripLeading().startsWith("(");
      if (!function && !KEYWORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The metric of a Grafana variable query: {@code label_values(metric{...}, label)} or {@code
   * label_values(label)} (no metric), else the names of the expression.
   */
  static Set<String> ofVariableQuery(String query) {
    Matcher lv = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$").matcher(query);
    if (lv.matches()) {
      return of(lv.group(1));
    }
    if (query.strip().startsWith("label_values(")) {
      return Set.of();
    }
    return of(query);
  }
}
