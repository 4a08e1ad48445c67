package dev.runex.bench;

import dev.runex.bench.measure.CpuMeter;
import dev.runex.bench.measure.TopicOffsets;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.launcher.local.LocalInfra.SchemaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.IsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's own broker and schema registry ({@link LocalInfra} on free loopback ports) in a
 * temporary folder that {@link #close} removes, together with the servers. Every phase shares this
 * one broker, so baseline and runex see the same machine state; phases are kept apart by topic
 * prefix.
 */
public final class BenchInfra implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BenchInfra.class);
  private static final long ADMIN_TIMEOUT_SECONDS = 60;

  private final Path dir;
  private final LocalInfra infra;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BenchInfra(Path dir, LocalInfra infra) {
    this.dir = dir;
    this.infra = infra;
  }

  /**
   * Starts a fresh broker and registry; schemas are kept in memory since the data folder is thrown
   * away.
   */
  public static BenchInfra start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("runex-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the bench's temporary folder", e);
    }
    try {
      return new BenchInfra(
          dir, LocalInfra.start(dir.resolve("infra"), 0, 0, 0, SchemaStore.MEMORY));
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  public String bootstrapServers() {
    return infra.bootstrapServers();
  }

  public String registryUrl() {
    return infra.registryUrl();
  }

  /** CPU used by this JVM and by the broker and registry processes. */
  public CpuMeter cpuMeter() {
    return CpuMeter.of(List.of(infra.broker().pid(), infra.registry().pid()));
  }

  /**
   * A fresh folder for one phase's Kafka Streams state, removed with the rest on {@link #close}.
   */
  public Path stateDir(String phase) {
    return dir.resolve("streams").resolve(phase);
  }

  /**
   * Offsets written to each topic whose name starts with {@code prefix} (Kafka Streams' internal
   * ones included): the sum of its partitions' end offsets, which counts records plus one
   * transaction marker per partition per commit. Empty when the broker could not tell.
   */
  public Map<String, Long> topicSizes(String prefix) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<String> names =
          admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .filter(n -> n.startsWith(prefix))
              .toList();
      Map<String, Long> sizes = new TreeMap<>();
      TopicOffsets.ends(
              admin, TopicOffsets.partitions(admin, names), IsolationLevel.READ_UNCOMMITTED)
          .forEach((tp, end) -> sizes.merge(tp.topic(), end, Long::sum));
      return sizes;
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Could not read the sizes of the topics of prefix {}: {}", prefix, e.toString());
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /**
   * Deletes every topic whose name starts with {@code prefix} (a finished phase's topics, Kafka
   * Streams' internal ones included), so later phases do not share the broker with idle data.
   */
  public void deleteTopics(String prefix) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<String> names =
          admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .filter(n -> n.startsWith(prefix))
              .toList();
      admin.deleteTopics(names).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.debug("Deleted topics {}", names);
    } catch (ExecutionException | TimeoutException e) {
      // Leftover topics only cost disk in a folder that is deleted at the end anyway.
      log.warn("Could not delete the topics of prefix {}: {}", prefix, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the servers (by pid) and removes the temporary folder; safe to call twice (shutdown
   * hook).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      infra.close();
    } finally {
      deleteTree(dir);
    }
  }

  /** Removes a folder and everything under it; a failure is logged, not thrown. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not remove {}: {}", root, e.toString());
    }
  }
}
