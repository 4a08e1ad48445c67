package dev.runex.launcher.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts <em>hanging transactions</em> on the broker runex runs itself: a partition that
 * holds a producer's open transaction which that producer's transaction coordinator has already
 * finished. Nothing ever ends such a transaction on its own: the partition's last stable offset
 * stops there, so {@code read_committed} consumers (every runex reader) stop at it for good, and a
 * later transaction of the same producer id commits the orphaned records along with its own.
 *
 * <p>Why it exists: after a SIGKILL, the single-node broker (broker and controller in one process)
 * can start its transaction coordinator on metadata that does not yet list recently created topics.
 * A transaction the coordinator finishes in those seconds (one it aborts for its timeout, or one
 * whose commit was prepared just before the kill) has its markers for those topics dropped
 * ("partitions are likely deleted already") and is recorded as finished anyway. The check is that
 * of Kafka's {@code kafka-transactions.sh find-hanging} (KIP-664), run every {@link #PERIOD} from
 * the process that owns the broker. The remedy follows the coordinator's own decision, read from
 * its log ({@link TransactionOutcomes}): a commit marker where it committed ({@link
 * CommitMarkerWriter}; Kafka's admin client offers only abort), an abort where it aborted. Aborting
 * a committed transaction would lose work its producer counted as done (a worker's retry record,
 * committed together with the offset of the attempt that wrote it).
 *
 * <p>A transaction is hanging only when all hold: the partition lists the producer with an open
 * transaction; the coordinator knows the producer id and its current transaction is finished (or
 * does not include the partition); and the partition still shows the same open transaction after
 * the coordinator's answer (the coordinator records a transaction finished only once its markers
 * are written, so a normal transaction never passes the last check).
 */
final class HangingTransactionGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HangingTransactionGuard.class);
  static final Duration PERIOD = Duration.ofSeconds(2);
  private static final Set<String> SKIPPED = Set.of("__transaction_state", "__cluster_metadata");

  private final Admin admin;
  private final String bootstrapServers;
  private final ScheduledExecutorService timer;

  private HangingTransactionGuard(
      Admin admin, String bootstrapServers, ScheduledExecutorService timer) {
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.timer = timer;
  }

  /** Starts sweeping the broker at {@code bootstrapServers} now and every {@link #PERIOD}. */
  static HangingTransactionGuard start(String bootstrapServers) {
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.CLIENT_ID_CONFIG, "runex-hanging-transaction-guard"));
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runex-hanging-transaction-guard");
              t.setDaemon(true);
              return t;
            });
    HangingTransactionGuard guard = new HangingTransactionGuard(admin, bootstrapServers, timer);
    timer.scheduleWithFixedDelay(guard::sweepQuietly, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return guard;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the broker restarting or busy: the next sweep tries again
      log.debug("hanging-transaction sweep failed: {}", e.toString());
    }
  }

  /** One sweep: finds the hanging transactions and ends them; returns those it ended. */
  List<Hanging> sweep() throws Exception {
    Map<TopicPartition, List<ProducerState>> open = openTransactions(partitions());
    if (open.isEmpty()) {
      return List.of();
    }
    Set<Long> producerIds =
        open.values().stream()
            .flatMap(List::stream)
            .map(ProducerState::producerId)
            .collect(Collectors.toSet());
    Map<Long, Coordinated> coordinator = coordinatorView(producerIds);
    List<Hanging> suspects = new ArrayList<>();
    open.forEach(
        (tp, producers) ->
            producers.forEach(
                p -> {
                  Coordinated c = coordinator.get(p.producerId());
                  if (c != null && finishedFor(c.description(), tp)) {
                    suspects.add(new Hanging(tp, p, c.description().state(), c.transactionalId()));
                  }
                }));
    if (suspects.isEmpty()) {
      return List.of();
    }
    Map<TopicPartition, List<ProducerState>> again =
        openTransactions(suspects.stream().map(Hanging::partition).distinct().toList());
    List<Hanging> ended = new ArrayList<>();
    // the coordinator's log is read once per transactional id, from its earliest hanging record
    Map<String, List<TransactionOutcomes.Entry>> logs = new HashMap<>();
    int logPartitions = logPartitions(admin);
    for (Hanging h : suspects) {
      if (stillOpen(again.get(h.partition()), h.producer())) {
        List<TransactionOutcomes.Entry> log = logs.get(h.transactionalId());
        if (log == null) {
          long since =
              suspects.stream()
                  .filter(x -> x.transactionalId().equals(h.transactionalId()))
                  .mapToLong(x -> x.producer().lastTimestamp())
                  .min()
                  .orElseThrow();
          log =
              TransactionOutcomes.read(bootstrapServers, h.transactionalId(), logPartitions, since);
          logs.put(h.transactionalId(), log);
        }
        end(h, log);
        ended.add(h);
      }
    }
    return ended;
  }

  private List<TopicPartition> partitions() throws Exception {
    Set<String> topics =
        admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().stream()
            .filter(t -> !SKIPPED.contains(t))
            .collect(Collectors.toSet());
    List<TopicPartition> result = new ArrayList<>();
    for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
      d.partitions().forEach(p -> result.add(new TopicPartition(d.name(), p.partition())));
    }
    return result;
  }

  private Map<TopicPartition, List<ProducerState>> openTransactions(
      Collection<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
    admin
        .describeProducers(partitions)
        .all()
        .get()
        .forEach(
            (tp, state) -> {
              List<ProducerState> inTxn =
                  state.activeProducers().stream()
                      .filter(p -> p.currentTransactionStartOffset().isPresent())
                      .toList();
              if (!inTxn.isEmpty()) {
                open.put(tp, inTxn);
              }
            });
    return open;
  }

  private Map<Long, Coordinated> coordinatorView(Set<Long> producerIds) throws Exception {
    Collection<TransactionListing> listings =
        admin
            .listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds))
            .all()
            .get();
    if (listings.isEmpty()) {
      return Map.of();
    }
    Map<String, TransactionDescription> byId =
        admin
            .describeTransactions(
                listings.stream().map(TransactionListing::transactionalId).toList())
            .all()
            .get();
    Map<Long, Coordinated> byProducer = new HashMap<>();
    byId.forEach((id, d) -> byProducer.put(d.producerId(), new Coordinated(id, d)));
    return byProducer;
  }

  /** Whether the coordinator's current transaction of this producer no longer covers {@code tp}. */
  static boolean finishedFor(TransactionDescription d, TopicPartition tp) {
    TransactionState s = d.state();
    return switch (s) {
      case COMPLETE_ABORT, COMPLETE_COMMIT, EMPTY -> true;
      case ONGOING -> !d.topicPartitions().contains(tp);
      default -> false; // preparing: its markers are on their way
    };
  }

  private static boolean stillOpen(List<ProducerState> now, ProducerState seen) {
    return now != null
        && now.stream()
            .anyMatch(
                p ->
                    p.producerId() == seen.producerId()
                        && p.producerEpoch() == seen.producerEpoch()
                        && p.currentTransactionStartOffset()
                            .equals(seen.currentTransactionStartOffset()));
  }

  /**
   * Ends a hanging transaction the way its coordinator decided (read from the coordinator's log): a
   * commit marker where it committed, an abort where it aborted. Where no decision is found the
   * transaction is aborted, so that the partition moves again, and that is logged as an error.
   */
  private void end(Hanging h, List<TransactionOutcomes.Entry> coordinatorLog) throws Exception {
    ProducerState p = h.producer();
    long start = p.currentTransactionStartOffset().orElseThrow();
    TransactionOutcomes.Outcome outcome =
        TransactionOutcomes.decide(
            coordinatorLog,
            h.transactionalId(),
            p.producerId(),
            (short) p.producerEpoch(),
            h.partition());
    switch (outcome) {
      case COMMITTED -> {
        log.warn(
            "hanging transaction of {} (producer {}, epoch {}) on {} from offset {}: its"
                + " coordinator committed it but the marker never arrived; committing it",
            h.transactionalId(),
            p.producerId(),
            p.producerEpoch(),
            h.partition(),
            start);
        CommitMarkerWriter.commit(
            leaderOf(h.partition()),
            h.partition(),
            p.producerId(),
            (short) p.producerEpoch(),
            p.coordinatorEpoch().orElse(0));
      }
      case ABORTED -> {
        log.warn(
            "hanging transaction of {} (producer {}, epoch {}) on {} from offset {}: its"
                + " coordinator aborted it but the marker never arrived; aborting it",
            h.transactionalId(),
            p.producerId(),
            p.producerEpoch(),
            h.partition(),
            start);
        abort(h);
      }
      case UNKNOWN -> {
        log.error(
            "hanging transaction of {} (producer {}, epoch {}) on {} from offset {}: no decision"
                + " of its coordinator found (now {}); aborting its records so the partition moves"
                + " again",
            h.transactionalId(),
            p.producerId(),
            p.producerEpoch(),
            h.partition(),
            start,
            h.coordinatorState());
        abort(h);
      }
    }
  }

  private void abort(Hanging h) throws Exception {
    ProducerState p = h.producer();
    admin
        .abortTransaction(
            new AbortTransactionSpec(
                h.partition(),
                p.producerId(),
                (short) p.producerEpoch(),
                p.coordinatorEpoch().orElse(0)))
        .all()
        .get();
  }

  /** How many partitions the coordinators' log ({@code __transaction_state}) has. */
  static int logPartitions(Admin admin) throws Exception {
    return admin
        .describeTopics(List.of(TransactionOutcomes.TOPIC))
        .allTopicNames()
        .get()
        .get(TransactionOutcomes.TOPIC)
        .partitions()
        .size();
  }

  private Node leaderOf(TopicPartition tp) throws Exception {
    Node leader =
        admin
            .describeTopics(List.of(tp.topic()))
            .allTopicNames()
            .get()
            .get(tp.topic())
            .partitions()
            .get(tp.partition())
            .leader();
    if (leader == null) {
      throw new IllegalStateException(tp + " has no leader");
    }
    return leader;
  }

  /** A producer's transactional id and its coordinator's description of its transaction. */
  record Coordinated(String transactionalId, TransactionDescription description) {}

  /** An open transaction on a partition that its coordinator has finished. */
  record Hanging(
      TopicPartition partition,
      ProducerState producer,
      TransactionState coordinatorState,
      String transactionalId) {}

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(2));
  }
}
