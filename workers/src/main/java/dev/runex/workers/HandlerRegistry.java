package dev.runex.workers;

import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.internal.execution.EchoHandler;
import dev.runex.workers.internal.execution.FailHandler;
import dev.runex.workers.internal.execution.SleepHandler;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java handlers a worker can run, by name: the built-ins ({@code echo}, {@code sleep}, {@code
 * fail}), those found by {@link ServiceLoader} on the class path, and any registered
 * programmatically (tests, benchmarks, embedding applications). A later registration replaces an
 * earlier one of the same name. Thread-safe.
 */
public final class HandlerRegistry {
  private static final Logger log = LoggerFactory.getLogger(HandlerRegistry.class);
  private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();

  /** A registry with nothing in it. */
  public static HandlerRegistry empty() {
    return new HandlerRegistry();
  }

  /** The built-ins plus every {@code JobHandler} service on the class path. */
  public static HandlerRegistry withBuiltins() {
    HandlerRegistry registry =
        new HandlerRegistry()
            .register(new EchoHandler())
            .register(new SleepHandler())
            .register(new FailHandler());
    try {
      for (JobHandler h :
          ServiceLoader.load(JobHandler.class, HandlerRegistry.class.getClassLoader())) {
        registry.register(h);
      }
    } catch (ServiceConfigurationError e) {
      // a broken plug-in must not silently turn its job types into UNKNOWN_HANDLER failures
      throw new IllegalStateException("cannot load a JobHandler service: " + e.getMessage(), e);
    }
    return registry;
  }

  public HandlerRegistry register(JobHandler handler) {
    String name = handler.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "handler " + handler.getClass().getName() + " has no name");
    }
    JobHandler previous = handlers.put(name, handler);
    if (previous != null && previous != handler) {
      log.info(
          "handler {} ({}) replaces {}",
          name,
          handler.getClass().getName(),
          previous.getClass().getName());
    }
    return this;
  }

  public Optional<JobHandler> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(handlers.get(name));
  }

  public Set<String> names() {
    return new TreeSet<>(handlers.keySet());
  }
}
