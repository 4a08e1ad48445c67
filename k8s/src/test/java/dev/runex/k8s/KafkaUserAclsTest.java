package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.k8s.keda.ScaledObject;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Each deployable's KafkaUser grants what it reads and writes and nothing more. For the topology,
 * what it reads and writes comes from its own {@code Topology#describe()} (sources, sinks, global
 * stores), so a new stage without its ACL fails here, not in production.
 */
class KafkaUserAclsTest {
  private static final Set<AclOperation> STREAMS_INTERNAL =
      Set.of(
          AclOperation.CREATE,
          AclOperation.READ,
          AclOperation.WRITE,
          AclOperation.DELETE,
          AclOperation.DESCRIBECONFIGS);

  @Test
  void topologyUserMatchesWhatTheTopologyReadsAndWrites() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      RunexConfig cfg = WorkerPoolsTest.topologyConfig(objects);
      RunexTopics topics = cfg.topics();
      Set<String> reads = new TreeSet<>();
      Set<String> writes = new TreeSet<>();
      String app =
          RunexTopology.streamsProperties(cfg).getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
      String statusApp =
          RunexTopology.statusProperties(cfg).getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
      collect(
          RunexTopology.build(cfg, topics, new SimpleMeterRegistry(), "acl-check"),
          cfg,
          reads,
          writes);
      collect(RunexTopology.buildStatus(cfg, topics), cfg, reads, writes);
      // ConfigSchedules, outside Streams: reads the schedules topic and writes the config's
      // schedules
      reads.add(topics.schedules().name());
      writes.add(topics.schedules().name());

      Grants g = grants(objects, "runex-topology");
      assertThat(g.topics(AclOperation.READ)).as(dir + " Read").isEqualTo(reads);
      assertThat(g.topics(AclOperation.WRITE)).as(dir + " Write").isEqualTo(writes);
      assertThat(g.describeOnly())
          .as(dir + " Describe only")
          .isEqualTo(checkedOnly(cfg, cfg.pools(), reads, writes));
      assertThat(g.prefixedTopics())
          .as(dir.toString())
          .isEqualTo(new TreeMap<>(java.util.Map.of(app + "-", STREAMS_INTERNAL)));
      assertThat(g.groups()).as(dir.toString()).isEqualTo(Set.of(app, statusApp));
      assertThat(g.transactionalPrefixes()).as(dir.toString()).isEqualTo(Set.of(app + "-"));
    }
  }

  @Test
  void workerUserMatchesWhatAWorkerOfItsPoolReadsAndWrites() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest d : WorkerPoolsTest.workers(objects)) {
        RunexConfig cfg = PodConfig.of(objects, d, "worker").load();
        RunexTopics topics = cfg.topics();
        String pool = cfg.string(Settings.WORKER_POOL);
        // a worker's transactional id is <its group>.<worker id> (WorkerClientConfigsTest)
        String groupId = cfg.workerGroupId(pool);
        Set<String> reads = new TreeSet<>(List.of(topics.control().name()));
        for (JobPriority p : JobPriority.values()) {
          reads.add(topics.scheduled(pool, p).name());
        }
        // what a worker produces in its transactions (OutcomeRecords)
        Set<String> writes =
            new TreeSet<>(
                List.of(
                    topics.results().name(),
                    topics.retry().name(),
                    topics.deadLetter().name(),
                    topics.events().name(),
                    topics.feedback().name()));
        String user = kafkaUserOf(d);

        Grants g = grants(objects, user);
        assertThat(g.topics(AclOperation.READ)).as(dir + " " + user + " Read").isEqualTo(reads);
        assertThat(g.topics(AclOperation.WRITE)).as(dir + " " + user + " Write").isEqualTo(writes);
        assertThat(g.describeOnly())
            .as(dir + " " + user)
            .isEqualTo(checkedOnly(cfg, List.of(pool), reads, writes));
        assertThat(g.prefixedTopics()).as(dir + " " + user).isEmpty();
        assertThat(g.groups()).as(dir + " " + user).isEqualTo(Set.of(groupId));
        assertThat(g.transactionalPrefixes()).as(dir + " " + user).isEqualTo(Set.of(groupId + "."));
      }
    }
  }

  @Test
  void gatewayUserMatchesWhatTheGatewayReadsAndWrites() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
      RunexConfig cfg = PodConfig.of(objects, gateway, "gateway").load();
      RunexTopics topics = cfg.topics();
      // followed (groupless consumers): results, dead letters, lifecycle records, control, audit;
      // read once per listing: schedules; the overview's backlog probe reads the pools' heads
      Set<String> reads =
          new TreeSet<>(
              List.of(
                  topics.results().name(),
                  topics.deadLetter().name(),
                  topics.events().name(),
                  topics.control().name(),
                  topics.audit().name(),
                  topics.schedules().name()));
      // the backlog probe asks the workers' committed offsets; a status read of a job the gateway
      // knows nothing of asks the topology's (IntakeBarrier)
      Set<String> groups = new TreeSet<>(List.of(cfg.string(Settings.TOPOLOGY_APPLICATION_ID)));
      for (String pool : cfg.pools()) {
        for (JobPriority p : JobPriority.values()) {
          reads.add(topics.scheduled(pool, p).name());
        }
        groups.add(cfg.workerGroupId(pool));
      }
      // submissions and replays, cancels and pauses, the audit trail
      Set<String> writes =
          new TreeSet<>(
              List.of(topics.intake().name(), topics.control().name(), topics.audit().name()));
      String user = kafkaUserOf(gateway);

      Grants g = grants(objects, user);
      assertThat(g.topics(AclOperation.READ)).as(dir + " " + user + " Read").isEqualTo(reads);
      assertThat(g.topics(AclOperation.WRITE)).as(dir + " " + user + " Write").isEqualTo(writes);
      assertThat(g.describeOnly())
          .as(dir + " " + user)
          .isEqualTo(checkedOnly(cfg, cfg.pools(), reads, writes));
      assertThat(g.prefixedTopics()).as(dir + " " + user).isEmpty();
      assertThat(g.describedGroups()).as(dir + " " + user + " groups").isEqualTo(groups);
      assertThat(acls(objects, user))
          .filteredOn(r -> r.getResource() instanceof AclRuleGroupResource)
          .as("groups are described, never joined: the gateway's consumers have no group")
          .allSatisfy(r -> assertThat(r.getOperations()).containsExactly(AclOperation.DESCRIBE));
      assertThat(g.transactionalPrefixes()).as(dir + " " + user).isEmpty();
    }
  }

  @Test
  void kedaUserOnlyDescribesTheTopicsAndGroupsItsTriggersAsk() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Set<String> topics = new TreeSet<>();
      Set<String> groups = new TreeSet<>();
      for (Manifest m : Overlays.ofKind(objects, "ScaledObject")) {
        for (ScaledObject.Trigger t : ((ScaledObject) m.model()).getSpec().triggers()) {
          if (t.type().equals("kafka")) {
            topics.add(t.metadata().get("topic"));
            groups.add(t.metadata().get("consumerGroup"));
          }
        }
      }
      List<AclRule> rules = acls(objects, "runex-keda");
      assertThat(rules)
          .allSatisfy(r -> assertThat(r.getOperations()).containsExactly(AclOperation.DESCRIBE));
      Grants g = grants(objects, "runex-keda");
      assertThat(g.describeOnly()).isEqualTo(topics);
      assertThat(g.describedGroups()).isEqualTo(groups);
    }
  }

  @Test
  void noUserGetsAllOrClusterWideRightsOrWildcards() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest m : Overlays.ofKind(objects, "KafkaUser")) {
        for (AclRule r :
            ((KafkaUserAuthorizationSimple) ((KafkaUser) m.model()).getSpec().getAuthorization())
                .getAcls()) {
          assertThat(r.getOperations()).as(m.describe()).doesNotContain(AclOperation.ALL);
          assertThat(r.getResource().getType()).as(m.describe()).isNotEqualTo("cluster");
          assertThat(name(r)).as(m.describe()).doesNotContain("*");
        }
      }
    }
  }

  /** Topics a process only checks at start (TopicProvisioner with runex.topics.create=false). */
  private static Set<String> checkedOnly(
      RunexConfig cfg, java.util.Collection<String> pools, Set<String> reads, Set<String> writes) {
    Set<String> out = new TreeSet<>();
    for (NewTopic t : TopicProvisioner.wanted(cfg.topics(), pools)) {
      out.add(t.name());
    }
    out.removeAll(reads);
    out.removeAll(writes);
    return out;
  }

  private static void collect(
      Topology topology, RunexConfig cfg, Set<String> reads, Set<String> writes) {
    TopologyDescription d = topology.describe();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Source src) {
          assertThat(src.topicPattern()).as("source " + src.name()).isNull();
          src.topicSet().stream().filter(t -> !internal(t)).forEach(reads::add);
        } else if (n instanceof TopologyDescription.Sink sink) {
          if (sink.topic() != null) {
            if (!internal(sink.topic())) {
              writes.add(sink.topic());
            }
          } else {
            // the one dynamic sink: dispatch to scheduled.<pool>[.high|.low]
            assertThat(sink.topicNameExtractor().getClass().getSimpleName())
                .isEqualTo("PoolTopicExtractor");
            for (String pool : cfg.pools()) {
              for (JobPriority p : JobPriority.values()) {
                writes.add(cfg.topics().scheduled(pool, p).name());
              }
            }
          }
        }
      }
    }
    for (TopologyDescription.GlobalStore g : d.globalStores()) {
      reads.addAll(g.source().topicSet());
    }
  }

  private static boolean internal(String topic) {
    return topic.endsWith("-repartition");
  }

  private static String kafkaUserOf(Manifest workload) {
    for (var v : workload.at("/spec/template/spec/volumes")) {
      if (v.path("name").asText().equals("kafka-user")) {
        return v.at("/secret/secretName").asText();
      }
    }
    throw new AssertionError(workload.describe() + " mounts no kafka-user Secret");
  }

  private static List<AclRule> acls(List<Manifest> objects, String user) {
    KafkaUser u = (KafkaUser) PodConfig.find(objects, "KafkaUser", user).model();
    return ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls();
  }

  private static String name(AclRule r) {
    if (r.getResource() instanceof AclRuleTopicResource t) {
      return t.getName();
    } else if (r.getResource() instanceof AclRuleGroupResource g) {
      return g.getName();
    } else if (r.getResource() instanceof AclRuleTransactionalIdResource x) {
      return x.getName();
    }
    return "";
  }

  private static Grants grants(List<Manifest> objects, String user) {
    return new Grants(acls(objects, user));
  }

  /** A user's ACLs by resource. */
  private record Grants(List<AclRule> rules) {
    Set<String> topics(AclOperation op) {
      Set<String> out = new TreeSet<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleTopicResource t
            && t.getPatternType() != AclResourcePatternType.PREFIX
            && r.getOperations().contains(op)) {
          out.add(t.getName());
        }
      }
      return out;
    }

    Set<String> describeOnly() {
      Set<String> out = new TreeSet<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleTopicResource t
            && t.getPatternType() != AclResourcePatternType.PREFIX
            && r.getOperations().equals(List.of(AclOperation.DESCRIBE))) {
          out.add(t.getName());
        }
      }
      return out;
    }

    TreeMap<String, Set<AclOperation>> prefixedTopics() {
      TreeMap<String, Set<AclOperation>> out = new TreeMap<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleTopicResource t
            && t.getPatternType() == AclResourcePatternType.PREFIX) {
          out.put(t.getName(), Set.copyOf(r.getOperations()));
        }
      }
      return out;
    }

    Set<String> groups() {
      Set<String> out = new TreeSet<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleGroupResource g) {
          assertThat(g.getPatternType()).isNotEqualTo(AclResourcePatternType.PREFIX);
          assertThat(r.getOperations()).containsExactly(AclOperation.READ);
          out.add(g.getName());
        }
      }
      return out;
    }

    Set<String> describedGroups() {
      Set<String> out = new TreeSet<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleGroupResource g) {
          out.add(g.getName());
        }
      }
      return out;
    }

    Set<String> transactionalPrefixes() {
      Set<String> out = new TreeSet<>();
      for (AclRule r : rules) {
        if (r.getResource() instanceof AclRuleTransactionalIdResource x) {
          assertThat(x.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
          assertThat(r.getOperations()).containsExactly(AclOperation.WRITE);
          out.add(x.getName());
        }
      }
      return out;
    }
  }
}
