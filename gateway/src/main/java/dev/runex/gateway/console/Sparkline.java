package dev.runex.gateway.console;

import java.util.Locale;

/**
 * A small time-series chart as inline SVG, drawn on the server: one polyline per series over the
 * same x axis (oldest left), scaled to the largest value, with that value written in the corner.
 * Gaps (negative values: not sampled) break the line.
 */
final class Sparkline {
  static final int WIDTH = 240;
  static final int HEIGHT = 48;

  private Sparkline() {}

  /** {@code series[i]} is one line; {@code colours[i]} its CSS class. */
  static String svg(String label, double[][] series, String[] classes, String unit) {
    return svg(label, series, classes, unit, WIDTH, HEIGHT);
  }

  /**
   * A small chart for a table cell whose column header names it: the label is only its accessible
   * name, the corner says the largest value alone.
   */
  static String small(
      String label, double[][] series, String[] classes, String unit, int width, int height) {
    return draw(label, false, series, classes, unit, width, height);
  }

  private static String svg(
      String label, double[][] series, String[] classes, String unit, int width, int height) {
    return draw(label, true, series, classes, unit, width, height);
  }

  private static String draw(
      String label,
      boolean caption,
      double[][] series,
      String[] classes,
      String unit,
      int width,
      int height) {
    double max = 0;
    for (double[] s : series) {
      for (double v : s) {
        max = Math.max(max, v);
      }
    }
    double top = max <= 0 ? 1 : max;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"spark\" role=\"img\" aria-label=\"")
        .append(Html.esc(label))
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\">");
    svg.append("<line class=\"axis\" x1=\"0\" y1=\"")
        .append(height - 1)
        .append("\" x2=\"")
        .append(width)
        .append("\" y2=\"")
        .append(height - 1)
        .append("\"/>");
    for (int k = 0; k < series.length; k++) {
      double[] s = series[k];
      if (s.length < 2) {
        continue;
      }
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.length; i++) {
        if (s[i] < 0) {
          flush(svg, points, classes[k]);
          continue;
        }
        double x = (double) i * (width - 1) / (s.length - 1);
        double y = (height - 4) - s[i] / top * (height - 14) + 1;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      flush(svg, points, classes[k]);
    }
    svg.append("<text x=\"2\" y=\"10\">")
        .append(caption ? Html.esc(label) + " · max " : "max ")
        .append(max == Math.rint(max) ? Long.toString((long) max) : Html.rate(max))
        .append(unit)
        .append("</text></svg>");
    return svg.toString();
  }

  private static void flush(StringBuilder svg, StringBuilder points, String cls) {
    if (points.length() > 0) {
      svg.append("<polyline class=\"")
          .append(cls)
          .append("\" points=\"")
          .append(points.toString().trim())
          .append("\"/>");
      points.setLength(0);
    }
  }
}
