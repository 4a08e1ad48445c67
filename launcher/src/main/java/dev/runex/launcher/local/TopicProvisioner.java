package dev.runex.launcher.local;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the runtime's topics ({@link RunexTopics#newTopics}: intake, validated, retry, results,
 * dead-letter, events and scheduled.&lt;pool&gt;[.high|.low]) with the configured partitions,
 * replication and retention, when they are missing. Safe to run from several processes at once: a
 * topic someone else created meanwhile is fine. Existing topics are never altered; one with fewer
 * partitions than configured is reported, since Kafka cannot shrink and growing breaks key order.
 * With {@code runex.topics.create=false} (topics owned elsewhere, e.g. Strimzi KafkaTopic
 * resources) nothing is created: the topics must exist, or appear within {@link #TIMEOUT}.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private TopicProvisioner() {}

  /** What provisioning found: the topics it created and those that already existed. */
  public record Provisioned(List<String> created, List<String> existing) {}

  /**
   * Creates the missing topics for {@code pools} and waits until every one of them is described.
   */
  public static Provisioned ensureTopics(
      RunexConfig cfg, RunexTopics topics, Collection<String> pools) {
    List<NewTopic> wanted = wanted(topics, pools);
    Map<String, Object> adminConfig =
        cfg.kafka()
            .admin(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cfg.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "runex-topic-provisioner"));
    try (Admin admin = Admin.create(adminConfig)) {
      Provisioned p =
          cfg.bool(Settings.TOPIC_CREATE)
              ? ensureTopics(admin, wanted, TIMEOUT)
              : checkTopics(admin, wanted, TIMEOUT);
      requireCoPartitioned(admin, topics.admission().name(), topics.feedback().name());
      return p;
    }
  }

  /**
   * The quota gate reads {@code admission} and {@code feedback} in one task and keeps one store of
   * slots for both, so a slot freed on feedback partition n must be the one taken on admission
   * partition n: topics made by hand (or by a tool) with different partition counts would free the
   * wrong slots. Refuses to go on, naming both counts.
   */
  static void requireCoPartitioned(Admin admin, String admission, String feedback) {
    Map<String, TopicDescription> d;
    try {
      d =
          admin
              .describeTopics(List.of(admission, feedback))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure("cannot describe topics " + admission + " and " + feedback, e.getCause());
    } catch (TimeoutException e) {
      throw failure("timed out describing topics " + admission + " and " + feedback, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while describing topics", e);
    }
    int a = d.get(admission).partitions().size();
    int f = d.get(feedback).partitions().size();
    if (a != f) {
      throw new LocalInfraException(
          "topics "
              + admission
              + " ("
              + a
              + " partitions) and "
              + feedback
              + " ("
              + f
              + " partitions) must have as many partitions: the quota gate frees on feedback"
              + " partition n the slots taken on admission partition n. Recreate one of them"
              + " with the other's count");
    }
  }

  /**
   * The topics a process serving {@code pools} needs, as this provisioner creates them (names,
   * partitions, replication, configs): what topic resources managed elsewhere must match.
   */
  public static List<NewTopic> wanted(RunexTopics topics, Collection<String> pools) {
    return topics.newTopics(pools);
  }

  /**
   * Creates nothing: waits until every {@code wanted} topic exists (someone else creates them) and
   * fails naming the missing ones when they do not appear within {@code timeout}.
   */
  public static Provisioned checkTopics(Admin admin, List<NewTopic> wanted, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, TopicDescription> described;
    try {
      described = awaitDescribed(admin, wanted, deadline, timeout);
    } catch (LocalInfraException e) {
      throw new LocalInfraException(
          "topics "
              + missing(admin, wanted)
              + " do not exist and "
              + Settings.TOPIC_CREATE.key()
              + " is false: create them (e.g. the Strimzi KafkaTopic resources in k8s/) or let runex"
              + " create them",
          e.getCause());
    }
    warnAboutFewerPartitions(wanted, described);
    awaitLeaders(admin, described, deadline, timeout);
    return new Provisioned(List.of(), wanted.stream().map(NewTopic::name).toList());
  }

  /**
   * Creates the missing {@code wanted} topics with {@code admin} and waits until all are described.
   */
  public static Provisioned ensureTopics(Admin admin, List<NewTopic> wanted, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, KafkaFuture<Void>> results = admin.createTopics(wanted).values();
    List<String> created = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (NewTopic topic : wanted) {
      try {
        results.get(topic.name()).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        created.add(topic.name());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw failure("cannot create topic " + topic.name(), e.getCause());
        }
        existing.add(topic.name());
      } catch (TimeoutException e) {
        throw failure(
            "timed out after " + timeout.toSeconds() + " s creating topic " + topic.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted while creating topic " + topic.name(), e);
      }
    }
    Map<String, TopicDescription> described = awaitDescribed(admin, wanted, deadline, timeout);
    warnAboutFewerPartitions(wanted, described);
    awaitLeaders(admin, described, deadline, timeout);
    if (!created.isEmpty()) {
      log.info("Created topics {}", created);
    }
    return new Provisioned(List.copyOf(created), List.copyOf(existing));
  }

  /**
   * Creating (and describing) a topic succeeds before the broker leads its partitions; a produce in
   * that gap fails with NOT_LEADER_OR_FOLLOWER, and when a later batch of the same idempotent
   * producer lands first the retry fails with OUT_OF_ORDER_SEQUENCE_NUMBER until the records are
   * dropped (KAFKA-15591). Listing every partition's end offset asks its leader, so once that
   * answers, producers that start after provisioning are safe.
   */
  private static void awaitLeaders(
      Admin admin, Map<String, TopicDescription> described, Instant deadline, Duration timeout) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    described
        .values()
        .forEach(
            d ->
                d.partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
    while (true) {
      try {
        admin.listOffsets(latest).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (Instant.now().isAfter(deadline)) {
          throw failure(
              "partitions of " + described.keySet() + " have no leader yet", e.getCause());
        }
      } catch (TimeoutException e) {
        throw failure(
            "timed out after " + timeout.toSeconds() + " s waiting for partition leaders", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted while waiting for partition leaders", e);
      }
      pause();
    }
  }

  /**
   * A just-created topic's metadata reaches the broker's cache a moment later; until then describe
   * fails.
   */
  private static Map<String, TopicDescription> awaitDescribed(
      Admin admin, List<NewTopic> wanted, Instant deadline, Duration timeout) {
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    while (true) {
      try {
        return admin
            .describeTopics(names)
            .allTopicNames()
            .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || Instant.now().isAfter(deadline)) {
          throw failure("cannot describe topics " + names, e.getCause());
        }
      } catch (TimeoutException e) {
        throw failure(
            "timed out after " + timeout.toSeconds() + " s waiting for topics " + names, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted while waiting for topics " + names, e);
      }
      pause();
    }
  }

  /** The wanted topics the cluster does not list (all of them when it cannot be asked). */
  private static List<String> missing(Admin admin, List<NewTopic> wanted) {
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    try {
      var existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      return names.stream().filter(n -> !existing.contains(n)).toList();
    } catch (ExecutionException | TimeoutException e) {
      return names;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return names;
    }
  }

  private static void warnAboutFewerPartitions(
      List<NewTopic> wanted, Map<String, TopicDescription> described) {
    for (NewTopic topic : wanted) {
      int actual = described.get(topic.name()).partitions().size();
      if (actual < topic.numPartitions()) {
        log.warn(
            "Topic {} has {} partitions, runex.topics.partitions is {}; it is left as is",
            topic.name(),
            actual,
            topic.numPartitions());
      }
    }
  }

  private static long remainingMillis(Instant deadline) {
    return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
  }

  private static void pause() {
    try {
      Thread.sleep(100); // metadata propagation inside the broker takes milliseconds
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for topics", e);
    }
  }

  private static LocalInfraException failure(String message, Throwable cause) {
    return new LocalInfraException(message + ": " + cause, cause);
  }
}
