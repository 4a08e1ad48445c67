package dev.runex.bench.subject;

import dev.runex.bench.BenchParams;
import dev.runex.launcher.local.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The baseline: the shortest exactly-once pipeline with runex's shape — three transactional
 * consume→produce hops intake → validated → scheduled → results, one thread each, passing the raw
 * bytes through unchanged. It does no decoding, validation, scheduling, execution, events or
 * metrics, so the gap between it and runex is what runex's work costs on the same broker.
 */
public final class BareChain implements SystemUnderTest {
  private static final Duration PROVISION_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> STAGES = List.of("intake", "validated", "scheduled", "results");

  private final String bootstrapServers;
  private final String prefix;
  private final BenchParams params;
  private final List<TransactionalHop> hops = new ArrayList<>();

  public BareChain(String bootstrapServers, String prefix, BenchParams params) {
    this.bootstrapServers = bootstrapServers;
    this.prefix = prefix;
    this.params = params;
  }

  @Override
  public String name() {
    return "bare chain";
  }

  @Override
  public String intakeTopic() {
    return prefix + STAGES.get(0);
  }

  @Override
  public String resultsTopic() {
    return prefix + STAGES.get(STAGES.size() - 1);
  }

  @Override
  public void provision() {
    List<NewTopic> topics = STAGES.stream().map(s -> new NewTopic(prefix + s, params.partitions(), (short) 1)).toList();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicProvisioner.ensureTopics(admin, topics, PROVISION_TIMEOUT);
    }
  }

  @Override
  public void start() {
    for (int i = 0; i + 1 < STAGES.size(); i++) {
      String id = prefix + "bare-hop-" + i;
      TransactionalHop hop = new TransactionalHop(
          bootstrapServers, prefix + STAGES.get(i), prefix + STAGES.get(i + 1), id, params.commitInterval());
      hops.add(hop);
      hop.start();
    }
  }

  /** Raw passthrough: every record that reaches results is a finished job. */
  @Override
  public boolean succeeded(byte[] resultValue) {
    return true;
  }

  @Override
  public void close() {
    hops.forEach(TransactionalHop::close);
    hops.clear();
  }
}
