package dev.runex.workers;

import static org.awaitility.Awaitility.await;

import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A broker stand-in for worker tests, built on Kafka's MockConsumer and MockProducer: a log per
 * partition that every poll fetches from the consumer's position on, in offset order (so a seek
 * refetches from the log, as a broker would), and a transactional producer whose committed consumer
 * offsets become the consumer's committed offsets, so a second worker resumes where the first
 * committed.
 */
final class FakeKafka implements WorkerClients {
  final String topic;
  final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> log = new HashMap<>();

  /**
   * The group's committed offsets: written by the producer's commits (on the worker's committer
   * thread), read by the consumer and the tests, so not under the consumer's monitor — a commit
   * must not wait for a poll whose rebalance callback waits for the commit.
   */
  final Map<TopicPartition, OffsetAndMetadata> committedOffsets =
      new java.util.concurrent.ConcurrentHashMap<>();

  final LogConsumer consumer = new LogConsumer();

  /** The producer the worker uses now; a lost one is closed and replaced by a new one. */
  volatile TxProducer producer = new TxProducer();

  /** Every producer the worker was given, oldest first. */
  final List<TxProducer> producers =
      new java.util.concurrent.CopyOnWriteArrayList<>(List.of(producer));

  /** When set, each producer made from now on is fenced as soon as it initialized. */
  volatile boolean fenceEachNewProducer;

  /**
   * The control topic's one partition, when {@link #withControlTopic} asked for one (else the
   * worker has none).
   */
  CountingConsumer control;

  private final RunexTopics topics;

  FakeKafka(RunexTopics topics, String topic, int partitions) {
    this.topics = topics;
    this.topic = topic;
    Map<TopicPartition, Long> beginnings = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      log.put(new TopicPartition(topic, p), new ArrayList<>());
      beginnings.put(new TopicPartition(topic, p), 0L);
    }
    consumer.updateBeginningOffsets(beginnings);
  }

  @Override
  public Consumer<String, byte[]> consumer(Map<String, Object> config) {
    return consumer;
  }

  @Override
  public synchronized Producer<byte[], byte[]> producer(Map<String, Object> config) {
    if (producer.closed()) {
      producer = new TxProducer();
      producers.add(producer);
    }
    return producer;
  }

  @Override
  public Consumer<String, byte[]> controlConsumer(Map<String, Object> config) {
    return control;
  }

  /**
   * Gives the worker a one-partition control topic holding {@code records} records that are not
   * there yet: its control table is not caught up until {@link #appendControl} delivered them.
   */
  FakeKafka withControlTopic(int records) {
    String name = topics.control().name();
    TopicPartition tp = new TopicPartition(name, 0);
    control = new CountingConsumer();
    control.updatePartitions(
        name, List.of(new org.apache.kafka.common.PartitionInfo(name, 0, null, null, null)));
    control.updateBeginningOffsets(Map.of(tp, 0L));
    control.updateEndOffsets(Map.of(tp, (long) records));
    return this;
  }

  /**
   * Delivers a control command as the next record of the control topic (its reader's poll picks it
   * up).
   */
  void appendControl(long offset, String target, dev.runex.schemas.ControlCommand command) {
    String name = topics.control().name();
    byte[] value = topics.control().valueSerde().serializer().serialize(name, command);
    moveControlEnd(offset + 1);
    control.schedulePollTask(
        () -> control.addRecord(new ConsumerRecord<>(name, 0, offset, target, value)));
  }

  /**
   * Appends a control command that the topic's end offset shows at once but that reaches the
   * reader's fetches only {@code after} later, as a slow fetch would deliver it.
   */
  void appendControlLate(
      long offset, String target, dev.runex.schemas.ControlCommand command, Duration after) {
    String name = topics.control().name();
    byte[] value = topics.control().valueSerde().serializer().serialize(name, command);
    moveControlEnd(offset + 1);
    Thread late =
        new Thread(
            () -> {
              try {
                Thread.sleep(after.toMillis()); // the fetch's delay
              } catch (InterruptedException e) {
                return;
              }
              control.addRecord(new ConsumerRecord<>(name, 0, offset, target, value));
            },
            "late-control-record");
    late.setDaemon(true);
    late.start();
  }

  private void moveControlEnd(long end) {
    TopicPartition tp = new TopicPartition(topics.control().name(), 0);
    synchronized (control) {
      long now = control.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
      control.updateEndOffsets(Map.of(tp, Math.max(now, end)));
    }
  }

  /** Appends a job to {@code partition} (key: its partition key); returns its offset. */
  long append(int partition, Job job) {
    byte[] value = topics.scheduled("default").valueSerde().serializer().serialize(topic, job);
    return appendRaw(partition, job.getPartitionKey(), value);
  }

  long appendRaw(int partition, String key, byte[] value) {
    // the consumer's monitor guards the log too: one lock, no ordering to get wrong
    synchronized (consumer) {
      TopicPartition tp = new TopicPartition(topic, partition);
      List<ConsumerRecord<String, byte[]>> records = log.get(tp);
      ConsumerRecord<String, byte[]> r =
          new ConsumerRecord<>(topic, partition, records.size(), key, value);
      records.add(r);
      return r.offset(); // the consumer's next poll fetches it, unless the partition is paused
    }
  }

  /**
   * Waits until the worker has fetched every record appended so far and then gone around its poll
   * loop twice more. A fetched record is admitted, and started or held, in the loop iteration that
   * fetched it, so by then the worker has made its decision about each of them: a job that has not
   * started does not start later unless something else changes (a resume, a slot or memory freed).
   */
  void awaitFetchedAndConsidered(Duration atMost) {
    AtomicLong fetchedAtPoll = new AtomicLong(-1);
    await()
        .atMost(atMost)
        .until(
            () -> {
              synchronized (consumer) {
                if (fetchedAtPoll.get() < 0 && consumer.fetchedAll()) {
                  fetchedAtPoll.set(consumer.polls.get());
                }
                return fetchedAtPoll.get() >= 0 && consumer.polls.get() >= fetchedAtPoll.get() + 2;
              }
            });
  }

  /**
   * Waits until the control topic's reader has read its records below {@code end} and then polled
   * twice more: what it read is in the worker's control table.
   */
  void awaitControlReadTo(long end, Duration atMost) {
    TopicPartition tp = new TopicPartition(topics.control().name(), 0);
    AtomicLong readAtPoll = new AtomicLong(-1);
    await()
        .atMost(atMost)
        .until(
            () -> {
              synchronized (control) {
                if (readAtPoll.get() < 0
                    && control.assignment().contains(tp)
                    && control.position(tp) >= end) {
                  readAtPoll.set(control.polls.get());
                }
                return readAtPoll.get() >= 0 && control.polls.get() >= readAtPoll.get() + 2;
              }
            });
  }

  /** Reassigns partitions on the poll thread, with rebalance callbacks. */
  void assign(Collection<TopicPartition> partitions) {
    consumer.schedulePollTask(() -> consumer.rebalance(partitions));
  }

  List<TopicPartition> partitions(int... numbers) {
    List<TopicPartition> out = new ArrayList<>();
    for (int n : numbers) {
      out.add(new TopicPartition(topic, n));
    }
    return out;
  }

  /**
   * Serves the log from wherever the consumer is positioned. Like Kafka's consumer, a poll returns
   * each fetchable (assigned, not paused) partition's records from its position on, in order, and
   * moves the position past them; after a seek the next poll starts at the offset sought. (A
   * MockConsumer alone keeps records added earlier and returns them in the order they were added,
   * skipping those below the position: a record added while its partition was paused would then
   * come before the records a later seek back refetched, and hide them.)
   */
  final class LogConsumer extends MockConsumer<String, byte[]> {
    /** Every distinct timeout the worker polled with (a MockConsumer poll returns at once). */
    final java.util.Set<java.time.Duration> pollTimeouts =
        java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Polls so far. */
    final AtomicLong polls = new AtomicLong();

    /** At most this many records per poll, over all partitions (as {@code max.poll.records}). */
    private long maxPollRecords = Long.MAX_VALUE;

    LogConsumer() {
      super("earliest");
    }

    @Override
    public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
        java.time.Duration timeout) {
      pollTimeouts.add(timeout);
      polls.incrementAndGet();
      // runs a scheduled task (a rebalance, a freeze), and sets the positions of new partitions;
      // its own record buffer stays empty: records come from the log
      super.poll(timeout);
      Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> fetched = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
      long room = maxPollRecords;
      for (TopicPartition tp : assignment()) {
        List<ConsumerRecord<String, byte[]>> partitionLog = log.get(tp);
        if (partitionLog == null || paused().contains(tp)) {
          continue;
        }
        int from = (int) position(tp);
        int end = from + (int) Math.min(Math.max(0, partitionLog.size() - from), room);
        if (from < end) {
          room -= end - from;
          fetched.put(tp, List.copyOf(partitionLog.subList(from, end)));
          seek(tp, end);
          next.put(tp, new OffsetAndMetadata(end));
        }
      }
      return new org.apache.kafka.clients.consumer.ConsumerRecords<>(fetched, next);
    }

    @Override
    public synchronized void setMaxPollRecords(long maxPollRecords) {
      super.setMaxPollRecords(maxPollRecords);
      this.maxPollRecords = maxPollRecords;
    }

    /** Calls of {@link #committed} still to time out, as behind an open transaction's offsets. */
    volatile int committedTimeouts;

    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
        java.util.Set<TopicPartition> partitions) {
      if (committedTimeouts > 0) {
        committedTimeouts--;
        throw new org.apache.kafka.common.errors.TimeoutException(
            "injected: committed offsets not available");
      }
      Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
      partitions.forEach(
          tp -> {
            OffsetAndMetadata c = committedOffsets.get(tp);
            if (c != null) {
              out.put(tp, c);
            }
          });
      return out;
    }

    /** Whether the consumer is positioned past every record of its partitions' logs. */
    synchronized boolean fetchedAll() {
      if (assignment().isEmpty()) {
        return false;
      }
      for (TopicPartition tp : assignment()) {
        if (position(tp) < log.get(tp).size()) {
          return false;
        }
      }
      return true;
    }
  }

  /** A MockConsumer (the control topic's) that counts its polls. */
  static final class CountingConsumer extends MockConsumer<String, byte[]> {
    final AtomicLong polls = new AtomicLong();

    CountingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
        Duration timeout) {
      polls.incrementAndGet();
      return super.poll(timeout);
    }
  }

  /**
   * MockProducer whose commits also commit the consumer offsets, and that can fail commits on
   * demand.
   */
  final class TxProducer extends MockProducer<byte[], byte[]> {
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    volatile int commitsToFail;
    volatile RuntimeException nextCommitFailure;
    volatile int aborts;

    /** While set, a commit waits for it to open (outside the producer's monitor). */
    volatile java.util.concurrent.CountDownLatch commitGate;

    /** Commits waiting for {@link #commitGate} now. */
    final java.util.concurrent.atomic.AtomicInteger commitsWaiting =
        new java.util.concurrent.atomic.AtomicInteger();

    TxProducer() {
      super(
          Cluster.empty(),
          true,
          new FirstPartition(),
          new ByteArraySerializer(),
          new ByteArraySerializer());
    }

    @Override
    public void initTransactions() {
      super.initTransactions();
      if (fenceEachNewProducer) {
        fenceProducer();
      }
    }

    @Override
    public void sendOffsetsToTransaction(
        Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
      super.sendOffsetsToTransaction(offsets, group);
      pending.putAll(offsets);
    }

    @Override
    public void commitTransaction() {
      java.util.concurrent.CountDownLatch gate = commitGate;
      if (gate != null) {
        commitsWaiting.incrementAndGet();
        try {
          gate.await(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.apache.kafka.common.errors.InterruptException(e);
        } finally {
          commitsWaiting.decrementAndGet();
        }
      }
      RuntimeException failure = nextCommitFailure;
      if (failure != null) {
        nextCommitFailure = null;
        throw failure;
      }
      if (commitsToFail > 0) {
        commitsToFail--;
        throw new KafkaException("injected commit failure");
      }
      super.commitTransaction();
      committedOffsets.putAll(pending);
      pending.clear();
    }

    @Override
    public void abortTransaction() {
      super.abortTransaction();
      pending.clear();
      aborts++;
    }
  }

  /** Output topics have one partition here. */
  static final class FirstPartition implements Partitioner {
    @Override
    public int partition(
        String topic,
        Object key,
        byte[] keyBytes,
        Object value,
        byte[] valueBytes,
        Cluster cluster) {
      return 0;
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
  }
}
