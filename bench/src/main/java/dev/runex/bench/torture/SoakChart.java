package dev.runex.bench.torture;

import dev.runex.bench.torture.SoakTrend.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The soak chart: five panels over the minutes of load — memory (RSS, heap after young collections
 * and live heap per process), threads, open file descriptors and RocksDB's table files, the
 * topology's state folder, state entries (each RocksDB store, the control table, the backlog), and
 * records per job on each topic over the last minute of samples.
 */
final class SoakChart {
  /** Samples the per-job panel's ratio spans (a minute at the default 10 s). */
  static final int PER_JOB_SPAN_SECONDS = 60;

  private SoakChart() {}

  /**
   * Writes the chart of {@code series} (by {@code group/name}) as a PNG to {@code file}: the panels
   * stacked, each with its own legend (one legend for all would repeat its colours).
   */
  static void write(Map<String, List<Point>> series, String title, Path file) throws IOException {
    List<JFreeChart> charts =
        List.of(
            chart(
                title + "\nmemory (MB)",
                panel(
                    series,
                    Set.of(
                            "rss_mb",
                            "rss_outside_heap_mb",
                            "rocksdb_cache_mb",
                            "rss_outside_rocksdb_mb",
                            "heap_after_gc_mb",
                            "live_heap_mb")
                        ::contains)),
            chart(
                "threads, open fds, RocksDB table files",
                panel(series, Set.of("threads", "fds", "fds_outside_sst", "sst_files")::contains)),
            chart("state dir (MB)", panel(series, g -> g.equals("state_dir_mb"))),
            chart(
                "entries: state store keys (from their changelogs), control table, worker backlog",
                panel(
                    series,
                    g ->
                        g.equals("store_keys") || g.equals("control_keys") || g.equals("backlog"))),
            chart("records per job submitted, last minute, per topic", perJobPanel(series)));
    int width = 1100;
    int[] heights = {520, 420, 260, 420, 520};
    BufferedImage image =
        new BufferedImage(width, Arrays.stream(heights).sum(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    int y = 0;
    for (int i = 0; i < charts.size(); i++) {
      charts.get(i).draw(g, new Rectangle2D.Double(0, y, width, heights[i]));
      y += heights[i];
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static JFreeChart chart(String title, XYPlot plot) {
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 13), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot panel(Map<String, List<Point>> series, Predicate<String> groups) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(
        (key, points) -> {
          if (groups.test(group(key))) {
            XYSeries s = new XYSeries(key, false, true);
            points.forEach(p -> s.add(p.seconds() / 60, p.value()));
            data.addSeries(s);
          }
        });
    return plot(data);
  }

  /** Records added per job submitted, over the last {@link #PER_JOB_SPAN_SECONDS}, per topic. */
  private static XYPlot perJobPanel(Map<String, List<Point>> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<Point> jobs = series.getOrDefault("jobs/submitted", List.of());
    series.forEach(
        (key, points) -> {
          if (group(key).equals("topic_records") && points.size() == jobs.size()) {
            XYSeries s = new XYSeries(key.substring(key.indexOf('/') + 1), false, true);
            int from = 0;
            for (int i = 1; i < points.size(); i++) {
              while (jobs.get(i).seconds() - jobs.get(from).seconds() > PER_JOB_SPAN_SECONDS) {
                from++;
              }
              double dj = jobs.get(i).value() - jobs.get(from).value();
              if (from < i && dj > 0) {
                double dr = points.get(i).value() - points.get(from).value();
                s.add(points.get(i).seconds() / 60, dr / dj);
              }
            }
            if (s.getMaxY() > 0) { // topics the load does not write stay out of the legend
              data.addSeries(s);
            }
          }
        });
    return plot(data);
  }

  private static XYPlot plot(XYSeriesCollection data) {
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      lines.setSeriesStroke(i, new BasicStroke(1.4f));
    }
    NumberAxis axis = new NumberAxis();
    axis.setAutoRangeIncludesZero(true);
    XYPlot p = new XYPlot(data, new NumberAxis("minutes of load"), axis, lines);
    p.setBackgroundPaint(Color.WHITE);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }

  static String group(String key) {
    return key.substring(0, key.indexOf('/'));
  }
}
