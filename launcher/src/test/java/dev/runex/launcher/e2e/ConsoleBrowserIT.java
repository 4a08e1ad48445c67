package dev.runex.launcher.e2e;

import static dev.runex.launcher.e2e.ConsoleFixture.ACME_KEY;
import static dev.runex.launcher.e2e.ConsoleFixture.GLOBEX_KEY;
import static dev.runex.launcher.e2e.ConsoleFixture.OPS_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (headless Chromium) against the real runtime: an operator logs in
 * with a key, pauses the pool and watches the overview's backlog grow and drain as jobs are
 * submitted and the pool resumed (live, without a reload), sees jobs of two other priorities
 * counted each in its own priority's row (in the page and the API), opens a failed job's timeline,
 * replays its dead letter with a dry run first and sees the new result; a second gateway replica
 * accepts the login made on the first; a tenant key sees its own tenant only. Screenshots go to
 * {@code target/console-screenshots}.
 */
class ConsoleBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  @Timeout(600)
  void anOperatorWatchesTheBacklogReplaysADeadLetterAndATenantSeesOnlyItsOwn() {
    try (ConsoleFixture fx = new ConsoleFixture();
        Browser browser = new Browser()) {
      WebDriver web = browser.driver;
      String base = fx.gateway.url().toString();
      String run = UUID.randomUUID().toString().substring(0, 6);

      // an unknown key is refused; the operator key logs in
      web.get(base + "/console");
      assertThat(web.getCurrentUrl()).endsWith("/login");
      login(web, "wrong-key");
      assertThat(web.findElement(By.cssSelector("[data-testid=login-error]")).getText())
          .contains("not known");
      login(web, OPS_KEY);
      assertThat(web.findElement(By.cssSelector("[data-testid=who]")).getText())
          .contains("ops (operator)");

      // another gateway replica with the same session secret accepts the login: the browser sends
      // the cookie to both (cookies go by host, not port), as to replicas behind one Service
      String replica = fx.replica.url().toString();
      web.get(replica + "/console");
      assertThat(web.getCurrentUrl()).doesNotEndWith("/login");
      assertThat(web.findElement(By.cssSelector("[data-testid=who]")).getText())
          .contains("ops (operator)");

      // pause the pool, then submit three jobs from the jobs page
      web.get(base + "/console/pauses");
      new Select(web.findElement(By.cssSelector("[data-testid=pause-kind]")))
          .selectByValue("pools");
      web.findElement(By.cssSelector("[data-testid=pause-name]")).sendKeys("default");
      web.findElement(By.cssSelector("[data-testid=pause]")).click();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  !web.findElements(By.cssSelector("[data-paused='pool:default']")).isEmpty()
                      && loaded(web));
      assertThat(web.findElement(By.cssSelector("[data-paused='pool:default']")).getText())
          .contains("ops");
      web.get(base + "/console");
      markPage(web);
      for (int i = 1; i <= 3; i++) {
        submitFromJobsPage(
            web,
            base,
            "{\"id\":\"w-"
                + run
                + "-"
                + i
                + "\",\"type\":\"echo\",\"tenant\":\"acme\",\"params\":{\"message\":\""
                + i
                + "\"}}");
      }

      // the overview's backlog grows to three, live
      web.get(base + "/console");
      markPage(web);
      await().atMost(WAIT).until(() -> waiting(web).equals("3"));
      assertThat(pageWasNotReloaded(web)).as("htmx updated the overview in place").isTrue();
      assertThat(web.findElement(By.cssSelector("[data-paused='pool:default']")).isDisplayed())
          .isTrue();
      assertThat(
              web.findElement(By.cssSelector("[data-pool='default'] [data-testid=pool-paused]"))
                  .getText())
          .contains("pool:default");
      browser.screenshot("overview-paused");

      // resume: the backlog drains and the finish rate moves, still without a reload
      ((JavascriptExecutor) web)
          .executeScript(
              "fetch('/console/pools/default/resume', {method: 'POST', credentials: 'same-origin'})");
      await()
          .atMost(WAIT)
          .until(() -> waiting(web).equals("0") && !metric(web, "finished-rate").equals("0.00"));
      assertThat(pageWasNotReloaded(web)).isTrue();
      await()
          .atMost(WAIT)
          .until(() -> web.findElements(By.cssSelector("[data-paused='pool:default']")).isEmpty());
      browser.screenshot("overview");

      // two high and one low job: each priority's row counts its own (a rate over the last minute,
      // so 2/60 and 1/60 per second), which the pool's row (that also has the normal jobs) cannot
      for (String priority : List.of("high", "high", "low")) {
        submitFromJobsPage(
            web,
            base,
            "{\"type\":\"echo\",\"tenant\":\"acme\",\"priority\":\""
                + priority
                + "\",\"params\":{\"message\":\"p\"}}");
      }
      web.get(base + "/console");
      markPage(web);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  priorityMetric(web, "high", "started-rate").equals("0.03")
                      && priorityMetric(web, "high", "finished-rate").equals("0.03")
                      && priorityMetric(web, "low", "started-rate").equals("0.02")
                      && priorityMetric(web, "low", "finished-rate").equals("0.02"));
      assertThat(pageWasNotReloaded(web)).isTrue();
      assertThat(priorityMetric(web, "high", "failure-rate")).isEqualTo("0.0 %");
      assertThat(web.findElements(By.cssSelector("[data-pool='default'] tr[data-priority] svg")))
          .as("each priority row has its own charts")
          .hasSize(6);
      browser.screenshot("overview-priorities");
      // the API answers the same per priority; a tenant sees only its own jobs there
      JsonNode high = priorityRow(fx.http.get("/api/v1/overview", OPS_KEY).body(), "high");
      assertThat(high.path("startedPerSecond").asDouble() * 60).isGreaterThanOrEqualTo(2 - 1e-6);
      assertThat(high.path("waiting").isNumber()).isTrue();
      JsonNode theirs = priorityRow(fx.http.get("/api/v1/overview", GLOBEX_KEY).body(), "high");
      assertThat(theirs.path("startedPerSecond").asDouble()).isZero();
      assertThat(theirs.path("waiting").isNull()).isTrue();

      // a failed job's timeline
      fx.inventory.down.set(true);
      String order = "order-" + run;
      submitFromJobsPage(
          web,
          base,
          "{\"id\":\""
              + order
              + "\",\"type\":\"reserve\",\"tenant\":\"acme\",\"params\":{\"sku\":\"B-2\"}}");
      assertThat(web.getCurrentUrl()).endsWith("/console/jobs/" + order);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  field(web, "state").equals("FAILED")
                      && !web.findElements(By.cssSelector("[data-testid=result]")).isEmpty());
      List<String> kinds =
          web.findElements(By.cssSelector("[data-testid=timeline] tr[data-kind]")).stream()
              .map(e -> e.getAttribute("data-kind"))
              .toList();
      assertThat(kinds)
          .containsSubsequence("RECEIVED", "VALIDATED", "SCHEDULED", "STARTED", "FAILED");
      assertThat(web.findElement(By.cssSelector("[data-testid=error]")).getText())
          .contains("inventory service unavailable");
      assertThat(web.findElement(By.cssSelector("dd[data-field='wall']")).getText()).isNotBlank();
      browser.screenshot("failed-job");

      // its dead letter: filter, dry run, replay, new result
      web.get(base + "/console/dead-letters?text=" + order);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                web.navigate().refresh();
                return web.findElement(By.cssSelector("[data-testid=dead-letter-count]"))
                    .getText()
                    .equals("1");
              });
      WebElement row = web.findElement(By.cssSelector("[data-testid=dead-letters] tr[data-ref]"));
      row.findElement(By.cssSelector("input[type=checkbox]")).click();
      WebElement rate = web.findElement(By.cssSelector("[data-testid=replay-rate]"));
      rate.clear();
      rate.sendKeys("5");
      web.findElement(By.cssSelector("[data-testid=dry-run]")).click();
      await()
          .atMost(WAIT)
          .until(() -> !web.findElements(By.cssSelector("[data-testid=dry-run-count]")).isEmpty());
      assertThat(web.findElement(By.cssSelector("[data-testid=dry-run-count]")).getText())
          .isEqualTo("1");
      assertThat(web.findElement(By.cssSelector("[data-testid=plan]")).getText()).contains(order);
      browser.screenshot("dry-run");
      assertThat(fx.http.get("/api/v1/jobs/" + order, OPS_KEY).body().path("state").asText())
          .as("a dry run replays nothing")
          .isEqualTo("FAILED");
      fx.inventory.down.set(false);
      web.findElement(By.cssSelector("[data-testid=replay]")).click();
      await().atMost(WAIT).until(() -> text(web, "[data-testid=replay-state]").equals("DONE"));
      web.findElement(By.cssSelector("[data-testid=replayed-jobs] a")).click();
      await()
          .atMost(WAIT)
          .until(
              () -> {
                if (field(web, "state").equals("SUCCEEDED")
                    && !web.findElements(By.cssSelector("[data-testid=output]")).isEmpty()) {
                  return true;
                }
                web.navigate().refresh();
                return false;
              });
      assertThat(web.findElement(By.cssSelector("[data-testid=output]")).getText())
          .contains("reserved B-2");
      browser.screenshot("replayed-job");
      web.get(base + "/console/audit");
      assertThat(web.findElement(By.cssSelector("[data-testid=audit]")).getText())
          .contains("dead-letter.replay", order);

      // a tenant key: its own tenant only; logging out on one replica clears the cookie for both
      logout(web);
      web.get(replica + "/console");
      assertThat(web.getCurrentUrl()).endsWith("/login");
      login(web, GLOBEX_KEY);
      assertThat(web.findElement(By.cssSelector("[data-testid=who]")).getText()).contains("globex");
      assertThat(openUntilShown(web, base + "/console/jobs", "[data-testid=jobs]").getText())
          .doesNotContain(order, "w-" + run);
      // another tenant's job looks like an unknown one
      openUntilShown(web, base + "/console/jobs/" + order, "[data-testid=not-yet]");
      assertThat(web.findElements(By.cssSelector("[data-testid=timeline]"))).isEmpty();
      web.get(base + "/console/dead-letters?text=" + order);
      assertThat(web.findElement(By.cssSelector("[data-testid=dead-letter-count]")).getText())
          .isEqualTo("0");
      browser.screenshot("tenant-globex-jobs");
      logout(web);
      login(web, ACME_KEY);
      assertThat(web.findElement(By.cssSelector("[data-testid=who]")).getText()).contains("acme");
      openUntilShown(web, base + "/console/jobs/" + order, "dd[data-field='state']");
      assertThat(field(web, "state")).isEqualTo("SUCCEEDED");
      assertThat(openUntilShown(web, base + "/console/jobs?label=", "[data-testid=jobs]").getText())
          .contains(order);
    }
  }

  private static void login(WebDriver web, String key) {
    if (!web.getCurrentUrl().endsWith("/login")) {
      web.get(web.getCurrentUrl().replaceAll("(https?://[^/]+).*", "$1") + "/login");
    }
    WebElement field = web.findElement(By.cssSelector("[data-testid=key]"));
    field.clear();
    field.sendKeys(key);
    web.findElement(By.cssSelector("[data-testid=login]")).click();
    // a click returns before the form's post has answered: wait for the page it leads to, or a
    // later navigation would race the session cookie
    await()
        .atMost(WAIT)
        .until(
            () ->
                (!web.findElements(By.cssSelector("[data-testid=who]")).isEmpty()
                        || !web.findElements(By.cssSelector("[data-testid=login-error]")).isEmpty())
                    && loaded(web));
  }

  private static void logout(WebDriver web) {
    web.findElement(By.cssSelector("form[action='/logout'] button")).click();
    await().atMost(WAIT).until(() -> web.getCurrentUrl().endsWith("/login") && loaded(web));
  }

  private static void submitFromJobsPage(WebDriver web, String base, String json) {
    web.get(base + "/console/jobs");
    WebElement area = onPage(web, "[data-testid=job-json]");
    area.sendKeys(json);
    web.findElement(By.cssSelector("[data-testid=submit-job]")).click();
    // the post leads to the new job's page: wait until it has loaded, not only until its address
    // shows (that comes first), or the next navigation races it and finds this page's elements
    await()
        .atMost(WAIT)
        .until(
            () ->
                web.getCurrentUrl().matches(".*/console/jobs/[^/?]+$")
                    && web.getTitle().startsWith("Job ")
                    && loaded(web));
  }

  /**
   * Whether the page shown has loaded. An address, a title or an element shows while a page still
   * loads; a navigation started then may find the elements of the page it leaves.
   */
  private static boolean loaded(WebDriver web) {
    return "complete"
        .equals(((JavascriptExecutor) web).executeScript("return document.readyState"));
  }

  /**
   * The element of the page just loaded that {@code css} selects; if there is none, a failure that
   * says which page the browser shows instead.
   */
  private static WebElement onPage(WebDriver web, String css) {
    try {
      return web.findElement(By.cssSelector(css));
    } catch (NoSuchElementException e) {
      throw new AssertionError("no " + css + " on " + shown(web), e);
    }
  }

  /**
   * Opens {@code url} until the page, loaded, has what {@code css} selects, and returns it — as a
   * user reloads a page that showed a passing error (the status API answers 503 "not now" while the
   * job-status application rebalances, and the page shows that instead of the listing or the job);
   * fails naming the page shown if it never does.
   */
  private static WebElement openUntilShown(WebDriver web, String url, String css) {
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                web.get(url);
                return loaded(web) && !web.findElements(By.cssSelector(css)).isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no " + css + " on " + shown(web), e);
    }
    return web.findElement(By.cssSelector(css));
  }

  /**
   * The page the browser shows: address, title, text (read after a failed find, it may show the
   * page as it is a moment later).
   */
  private static String shown(WebDriver web) {
    return web.getCurrentUrl()
        + " (title '"
        + web.getTitle()
        + "', "
        + (loaded(web) ? "loaded" : "loading")
        + "): "
        + web.findElement(By.tagName("body")).getText();
  }

  /** Waiting records of the default pool's normal priority, as the overview shows them now. */
  private static String waiting(WebDriver web) {
    return text(web, "[data-pool='default'] tr[data-priority='normal'] [data-metric=waiting]");
  }

  /** A figure of the default pool over every priority, as the overview shows it now. */
  private static String metric(WebDriver web, String name) {
    return text(web, "[data-pool='default'] tr[data-row='pool'] [data-metric='" + name + "']");
  }

  /** A figure of one priority of the default pool, as the overview shows it now. */
  private static String priorityMetric(WebDriver web, String priority, String name) {
    return text(
        web,
        "[data-pool='default'] tr[data-priority='" + priority + "'] [data-metric='" + name + "']");
  }

  /** The default pool's row for {@code priority} in an overview answered by the API. */
  private static JsonNode priorityRow(JsonNode overview, String priority) {
    for (JsonNode pool : overview.path("pools")) {
      if (pool.path("pool").asText().equals("default")) {
        for (JsonNode row : pool.path("priorities")) {
          if (row.path("priority").asText().equals(priority)) {
            return row;
          }
        }
      }
    }
    throw new AssertionError("no row for default/" + priority + " in " + overview);
  }

  private static String field(WebDriver web, String name) {
    return text(web, "dd[data-field='" + name + "']");
  }

  private static String text(WebDriver web, String css) {
    try {
      return web.findElement(By.cssSelector(css)).getText().trim();
    } catch (RuntimeException e) {
      return ""; // swapped out by htmx between find and read
    }
  }

  /** A marker that lives as long as this page: a reload would lose it. */
  private static void markPage(WebDriver web) {
    ((JavascriptExecutor) web).executeScript("window.__runexSamePage = true;");
  }

  private static boolean pageWasNotReloaded(WebDriver web) {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) web).executeScript("return window.__runexSamePage === true;"));
  }
}
