package dev.runex.workers.internal.execution.http;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.JobTypeSpec;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.handler.DeferJobException;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.AttemptBody;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptTimedOutException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code http} executor of one job type: one request per attempt to the type's endpoint ({@link
 * HttpRequests}: URL, method, headers, Idempotency-Key, traceparent, JSON body), bounded by the
 * type's {@code http.timeout} and the attempt's deadline, through the endpoint's circuit breaker
 * ({@link EndpointBreaker}). Outcomes:
 *
 * <ul>
 *   <li>2xx: success; the body is the output, kept up to {@code limits.output} (the rest dropped
 *       and flagged {@code OUTPUT_LIMIT});
 *   <li>408, 429, 5xx, connection errors: retryable ({@code HTTP_<status>}, {@code
 *       HTTP_CONNECTION}), the next attempt not before the response's {@code Retry-After};
 *   <li>timeout: {@code TIMEOUT} (retryable; TIMED_OUT when no attempts are left);
 *   <li>any other status (other 4xx, redirects, which are not followed): permanent;
 *   <li>breaker open: the attempt is deferred without counting ({@link DeferJobException}).
 * </ul>
 *
 * Every outcome records wall time, status and output size as the attempt's usage.
 */
public final class HttpExecutor implements AttemptBody {
  public static final String REMOTE = "remote";
  private static final int MESSAGE_BODY = 300;

  private final JobTypeSpec type;
  private final HttpRequests requests;
  private final HttpClient client;
  private final EndpointBreaker breaker;
  private final Clock clock;

  public HttpExecutor(JobTypeSpec type, HttpClient client, Clock clock) {
    this.type = type;
    this.requests = new HttpRequests(type);
    this.client = client;
    this.clock = clock;
    this.breaker = new EndpointBreaker("http:" + type.name(), type.http().breaker(), clock);
  }

  /** A client for one type: no redirects followed, connect timeout within the request timeout. */
  public static HttpClient client(JobTypeSpec type) {
    Duration connect =
        type.http().timeout().compareTo(Duration.ofSeconds(10)) < 0
            ? type.http().timeout()
            : Duration.ofSeconds(10);
    return HttpClient.newBuilder()
        .connectTimeout(connect)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The state of this type's circuit breaker (for tests and diagnostics). */
  public io.github.resilience4j.circuitbreaker.CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  @Override
  public String run(AttemptContext ctx) throws Exception {
    ExecutionLimits limits = type.limits().withOverrides(ctx.job().getLimits());
    Duration timeout = min(type.http().timeout(), ctx.remaining());
    HttpRequest request = requests.build(ctx, timeout.isZero() ? Duration.ofMillis(1) : timeout);
    if (!breaker.tryAcquire()) {
      throw new DeferJobException(
          "circuit breaker of " + origin(request.uri()) + " is open", breaker.deferUntil());
    }
    long start = System.nanoTime();
    HttpResponse<CappedBody> response;
    try {
      response = send(request, timeout, limits.outputBytes());
    } catch (TimeoutException | HttpTimeoutException e) {
      Duration took = since(start);
      breaker.failure(took, e);
      ctx.recordUsage(usage(took, null, null, ReasonCode.TIMED_OUT.code()));
      throw new AttemptTimedOutException(
          "no response from " + origin(request.uri()) + " within " + timeout.toMillis() + " ms",
          timeout);
    } catch (IOException e) {
      Duration took = since(start);
      breaker.failure(took, e);
      ctx.recordUsage(usage(took, null, null, null));
      throw new RetryableJobException(
          ReasonCode.HTTP_CONNECTION.code(), "cannot reach " + origin(request.uri()) + ": " + e, e);
    } catch (InterruptedException e) {
      breaker.release();
      throw e;
    }
    return outcome(ctx, request, response, since(start));
  }

  private HttpResponse<CappedBody> send(HttpRequest request, Duration timeout, long cap)
      throws IOException, InterruptedException, TimeoutException {
    CompletableFuture<HttpResponse<CappedBody>> call =
        client.sendAsync(request, info -> CappedBody.subscriber(cap));
    try {
      // bounds the body too: the request timeout only covers the response headers
      return call.get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } finally {
      call.cancel(true);
    }
  }

  private String outcome(
      AttemptContext ctx, HttpRequest request, HttpResponse<CappedBody> response, Duration took)
      throws PermanentJobException, RetryableJobException {
    int status = response.statusCode();
    CappedBody body = response.body();
    boolean failing = status == 408 || status == 429 || status >= 500;
    if (failing) {
      breaker.failure(took, new IOException("HTTP " + status));
    } else {
      breaker.success(took);
    }
    String limit = status / 100 == 2 && body.truncated() ? ReasonCode.OUTPUT_LIMIT.code() : null;
    ctx.recordUsage(usage(took, status, body, limit));
    if (status / 100 == 2) {
      return body.text();
    }
    String message = request.method() + " " + request.uri() + " answered " + status + snippet(body);
    if (failing) {
      Instant notBefore =
          RetryAfter.parse(
                  response.headers().firstValue("Retry-After").orElse(null), clock.instant())
              .orElse(null);
      throw new RetryableJobException(
          ReasonCode.Family.HTTP.code(status), message, null, notBefore);
    }
    throw new PermanentJobException(
        ReasonCode.Family.HTTP.code(status),
        status / 100 == 3 ? message + " (redirects are not followed)" : message);
  }

  private static ResourceUsage usage(Duration took, Integer status, CappedBody body, String limit) {
    return ResourceUsage.newBuilder()
        .setWallMs(took.toMillis())
        .setHttpStatus(status)
        .setOutputBytes(body == null ? 0 : body.total())
        .setOutputTruncated(body != null && body.truncated())
        .setLimit(limit)
        .setIsolation(REMOTE)
        .build();
  }

  private static String snippet(CappedBody body) {
    String text = body.text().strip();
    if (text.isEmpty()) {
      return "";
    }
    return ": " + (text.length() > MESSAGE_BODY ? text.substring(0, MESSAGE_BODY) + "..." : text);
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
