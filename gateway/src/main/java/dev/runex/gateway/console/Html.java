package dev.runex.gateway.console;

import dev.runex.gateway.access.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/**
 * The console's HTML: escaping (every value that comes from a request, a job or a topic goes
 * through {@link #esc}), the page layout with its navigation, and formatting of times, durations
 * and rates. htmx is served from its webjar; the version is read from the webjar itself.
 */
final class Html {
  static final String HTMX = "/webjars/htmx.org/" + webjarVersion("htmx.org") + "/dist/htmx.min.js";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Html() {}

  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A URL query value. */
  static String q(String value) {
    return value == null
        ? ""
        : java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A job id or reference as one URL path segment. */
  static String seg(String value) {
    return q(value).replace("+", "%20");
  }

  static String page(String title, Caller caller, String active, String body) {
    StringBuilder nav = new StringBuilder();
    for (String[] item :
        new String[][] {
          {"overview", "/console", "Overview"},
          {"jobs", "/console/jobs", "Jobs"},
          {"dead-letters", "/console/dead-letters", "Dead letters"},
          {"schedules", "/console/schedules", "Schedules"},
          {"pauses", "/console/pauses", "Pauses"},
          {"audit", "/console/audit", "Audit"}
        }) {
      nav.append("<a href=\"")
          .append(item[1])
          .append("\"")
          .append(item[0].equals(active) ? " class=\"active\"" : "")
          .append(">")
          .append(item[2])
          .append("</a>");
    }
    String who =
        caller == null
            ? ""
            : "<span class=\"who\" data-testid=\"who\">"
                + esc(caller.keyName())
                + (caller.isOperator()
                    ? " (operator)"
                    : " (tenant " + esc(caller.tenant().get()) + ")")
                + "</span><form method=\"post\" action=\"/logout\" class=\"inline\"><button>Log out</button></form>";
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · runex</title>
        <link rel="stylesheet" href="/console/static/console.css">
        <script src="%s"></script>
        </head><body>
        <header><a class="brand" href="/console">runex</a><nav>%s</nav><div class="me">%s</div></header>
        <main>%s</main>
        </body></html>
        """
        .formatted(esc(title), HTMX, caller == null ? "" : nav, who, body);
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  static String time(String iso) {
    if (iso == null || iso.isEmpty() || iso.equals("null")) {
      return "";
    }
    try {
      return time(Instant.parse(iso));
    } catch (RuntimeException e) {
      return iso;
    }
  }

  static String millis(Long ms) {
    if (ms == null) {
      return "–";
    }
    if (ms < 1000) {
      return ms + " ms";
    }
    return duration(Duration.ofMillis(ms));
  }

  static String duration(Duration d) {
    if (d == null) {
      return "–";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    if (s < 3600) {
      return (s / 60) + " min " + (s % 60) + " s";
    }
    return (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }

  static String rate(double perSecond) {
    return String.format(java.util.Locale.ROOT, "%.2f", perSecond);
  }

  static String percent(Double share) {
    return share == null ? "–" : String.format(java.util.Locale.ROOT, "%.1f %%", share * 100);
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KB", b / 1024.0);
    }
    return String.format(java.util.Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
  }

  private static String webjarVersion(String artifact) {
    String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = Html.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the " + artifact + " webjar is missing (" + path + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }
}
