package dev.runex.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How an {@code http} job type runs ({@code runex.jobTypes.<name>.http}): one request per attempt
 * to a URL fixed by the type — scheme, host and port can never come from a request; parameters may
 * fill path segments and query values (percent-encoded) and form the JSON body.
 *
 * @param url URL template; placeholders only after the authority
 * @param method GET, POST, PUT, PATCH or DELETE
 * @param headers literal headers sent with every request
 * @param timeout per-request timeout (the attempt's own timeout still applies)
 * @param breaker circuit breaker of this type's endpoint
 */
public record HttpSpec(
    Template url,
    String method,
    Map<String, String> headers,
    Duration timeout,
    BreakerSpec breaker) {

  public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** Methods that carry the parameters as a JSON body. */
  public static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  public HttpSpec {
    headers = Map.copyOf(new TreeMap<>(headers));
  }

  /** Whether requests of this type carry a JSON body. */
  public boolean sendsBody() {
    return BODY_METHODS.contains(method);
  }

  /**
   * The endpoint's circuit breaker (resilience4j): over the last {@code window} calls (once there
   * were {@code minCalls}), a failure rate of {@code failureRate}% or more opens it for {@code
   * openFor}; then one probe call decides whether it closes or opens again.
   */
  public record BreakerSpec(int failureRate, int window, int minCalls, Duration openFor) {
    public static final BreakerSpec DEFAULT = new BreakerSpec(50, 20, 10, Duration.ofSeconds(30));

    public BreakerSpec {
      if (failureRate < 1 || failureRate > 100) {
        throw new ConfigException(
            "http.breaker.failureRate must be between 1 and 100, was " + failureRate);
      }
      if (window < 1) {
        throw new ConfigException("http.breaker.window must be >= 1, was " + window);
      }
      if (minCalls < 1 || minCalls > window) {
        throw new ConfigException(
            "http.breaker.minCalls must be between 1 and http.breaker.window ("
                + window
                + "), was "
                + minCalls);
      }
      if (openFor.toMillis() < 1) {
        throw new ConfigException("http.breaker.openFor must be > 0, was " + openFor);
      }
    }
  }
}
