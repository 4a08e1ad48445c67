package dev.runex.gateway.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.intake.RecentSubmissions;
import dev.runex.gateway.intake.ResultWaiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * How long a status read may wait for a job's status to be folded: {@code wait} after this gateway
 * last wrote the job to intake, read its result, or read a lifecycle record of it (the time of its
 * latest transition: a job written through another gateway replica or straight to Kafka, once the
 * topology has received it), whichever came later — for a caller who may see the job's tenant. A
 * status that is there but not final yet is waited for only after a result was read (a result read
 * is waited for until the status is final). A job the gateway knows of none of these ways is not
 * waited for here (a status read waits for {@link IntakeBarrier} instead), and neither is another
 * tenant's job (exactly as an unknown one: a tenant cannot learn from the answer's timing that an
 * id it does not own was submitted).
 */
public final class FoldWait {
  private final RecentSubmissions submitted;
  private final Function<String, Optional<ResultWaiter.Seen>> results;
  private final Function<String, Optional<Sighting>> events;
  private final Duration wait;
  private final Clock clock;

  /** A job read in the lifecycle records, not finished: its tenant and its latest transition. */
  public record Sighting(String tenant, Instant at) {}

  /**
   * @param submitted the jobs this gateway wrote to intake lately
   * @param results the results this gateway read lately
   * @param events the unfinished jobs this gateway read lifecycle records of
   * @param wait {@code runex.gateway.statusFoldWait}; zero: no waiting
   */
  public FoldWait(
      RecentSubmissions submitted,
      Function<String, Optional<ResultWaiter.Seen>> results,
      Function<String, Optional<Sighting>> events,
      Duration wait,
      Clock clock) {
    this.submitted = submitted;
    this.results = results;
    this.events = events;
    this.wait = wait;
    this.clock = clock;
  }

  /** Until when a 404 for {@code jobId} is asked again for {@code caller}; null: not at all. */
  public Instant until(Caller caller, String jobId) {
    return until(caller, jobId, false);
  }

  /**
   * Until when a status of {@code jobId} that is not there ({@code resultsOnly} false) or not final
   * yet ({@code resultsOnly} true: only a result read lately says it should be) is asked again for
   * {@code caller}; null: not at all.
   */
  public Instant until(Caller caller, String jobId, boolean resultsOnly) {
    if (wait.isZero()) {
      return null;
    }
    Instant latest = null;
    Optional<RecentSubmissions.Accepted> a = resultsOnly ? Optional.empty() : submitted.get(jobId);
    if (a.isPresent() && caller.sees(a.get().tenant())) {
      latest = a.get().at();
    }
    Optional<Sighting> e = resultsOnly ? Optional.empty() : events.apply(jobId);
    if (e.isPresent() && e.get().tenant() != null && caller.sees(e.get().tenant())) {
      latest = later(latest, e.get().at());
    }
    Optional<ResultWaiter.Seen> s = results.apply(jobId);
    if (s.isPresent() && caller.sees(tenant(s.get().result()))) {
      latest = later(latest, s.get().at());
    }
    return latest == null ? null : latest.plus(wait);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  /** The latest result of {@code jobId} the gateway has read, if it still holds it. */
  public Optional<JsonNode> recentResult(String jobId) {
    return results.apply(jobId).map(ResultWaiter.Seen::result);
  }

  /** {@code runex.gateway.statusFoldWait}. */
  public Duration duration() {
    return wait;
  }

  public Clock clock() {
    return clock;
  }

  private static String tenant(JsonNode result) {
    JsonNode t = result.path("tenant");
    return t.isTextual() ? t.asText() : null;
  }
}
