package dev.runex.config;

import dev.runex.config.Setting.Kind;
import java.util.List;

/**
 * Every scalar configuration key, its default and its documentation. Job types ({@code
 * runex.jobTypes.<name>.*}) and raw Kafka client settings ({@code runex.kafka.<client>.*}) are
 * structured and documented in {@link JobTypeSpec} and {@link KafkaOverrides}.
 */
public final class Settings {
  private Settings() {}

  public static final Setting BOOTSTRAP_SERVERS =
      new Setting(
          "runex.bootstrapServers",
          Kind.STRING,
          "127.0.0.1:9092",
          null,
          "Kafka bootstrap servers.");
  public static final Setting SCHEMA_REGISTRY_URL =
      new Setting(
          "runex.schemaRegistryUrl",
          Kind.STRING,
          "http://127.0.0.1:8081/apis/ccompat/v7",
          null,
          "Base URL of a Confluent-compatible schema registry REST API (Confluent SR, Karapace, Redpanda, Apicurio ccompat).");
  public static final Setting TOPIC_PREFIX =
      new Setting(
          "runex.topicPrefix", Kind.STRING, "runex.", null, "Prefix of every runex topic name.");
  public static final Setting OUTPUT_FORMAT =
      new Setting(
          "runex.outputFormat",
          Kind.STRING,
          "avro",
          null,
          "Encoding of the external topics results, dead-letter and events: avro (Confluent-framed) or json.");
  public static final Setting TOPIC_PARTITIONS =
      new Setting(
          "runex.topics.partitions",
          Kind.INT,
          "6",
          1L,
          "Partitions of each topic the runtime creates.");
  public static final Setting TOPIC_REPLICATION =
      new Setting(
          "runex.topics.replicationFactor",
          Kind.INT,
          "1",
          1L,
          "Replication factor of each topic the runtime creates.");
  public static final Setting TOPIC_RETENTION =
      new Setting(
          "runex.topics.retention",
          Kind.DURATION,
          "7d",
          60_000L,
          "Retention of intake, results, events and dead-letter topics.");
  public static final Setting TOPIC_CREATE =
      new Setting(
          "runex.topics.create",
          Kind.BOOLEAN,
          "true",
          null,
          "Whether a process creates the runex topics it needs when they are missing (at start). false: it only checks that they exist, waiting up to a minute, and stops naming the missing ones; for clusters where the topics are owned elsewhere (Strimzi KafkaTopic resources) and runex may not create topics.");
  public static final Setting TOPOLOGY_APPLICATION_ID =
      new Setting(
          "runex.topology.applicationId",
          Kind.STRING,
          "runex-topology",
          null,
          "Kafka Streams application.id of the topology.");
  public static final Setting TOPOLOGY_COMMIT_INTERVAL =
      new Setting(
          "runex.topology.commitInterval",
          Kind.DURATION,
          "20ms",
          1L,
          "Kafka Streams commit interval of the topology's jobs path (exactly_once_v2): each transactional hop adds about half of it to latency, plus the commit's own round trip. The producer lingers up to it (the commit flushes). The job-status application has its own, runex.topology.statusCommitInterval.");
  public static final Setting TOPOLOGY_STATUS_COMMIT_INTERVAL =
      new Setting(
          "runex.topology.statusCommitInterval",
          Kind.DURATION,
          "1s",
          1L,
          "Kafka Streams commit interval of the job-status application. It is off the result path, and status answers do not wait for it (queries read a status as soon as it is folded, before the commit); it writes each changed status once per commit, so shorter costs CPU per job — taken from the jobs path on the same cores — without making results or answers faster.");
  public static final Setting TOPOLOGY_STATUS_TRANSACTION_TIMEOUT =
      new Setting(
          "runex.topology.statusTransactionTimeout",
          Kind.DURATION,
          "30s",
          1000L,
          "Producer transaction.timeout.ms of the job-status application: how long one of its transactions may stay open before the broker aborts it and fences the application's stream thread (which then rejoins and restores its stores from their changelogs). Its transactions carry only its stores' changelogs, read by nothing but an instance restoring them, and after a crash that instance takes over once the consumer session has timed out (45 s) anyway. Kafka Streams' own 10 s was outlasted on a busy 2-core machine while RocksDB stopped the thread's writes until queued memtable flushes were done. The jobs path keeps Kafka Streams' 10 s: there it bounds how long a crashed instance's open transaction holds back the workers.");
  public static final Setting TOPOLOGY_PUNCTUATE_INTERVAL =
      new Setting(
          "runex.topology.punctuateInterval",
          Kind.DURATION,
          "50ms",
          10L,
          "How often the delay index releases due jobs (wall-clock punctuator). A job released ahead of its due time (runex.topology.releaseAhead) waits in its worker and does not start later for it; one released when due (gated by a quota, or releaseAhead 0) starts up to this late, plus the commit interval. Also the schedules' and quota gate's punctuation.");
  public static final Setting TOPOLOGY_RELEASE_AHEAD =
      new Setting(
          "runex.topology.releaseAhead",
          Kind.DURATION,
          "1s",
          0L,
          "How long before its due time a delayed job is handed to its pool (and a job submitted due within it goes there at once, not through the delay index). The worker holds such a job and starts it at its due time, never before, so the delay index's punctuation, the topology's commit and the worker's fetch are not added to when it starts. Its status is then queued up to this long before it is due, and a cancel of it is the worker's. Jobs gated by a quota are released when due: an early release would hold a quota slot for a job that may not start yet. A recurring schedule's firing is submitted up to this long ahead too, due at its fire time, unless the schedule's previous job is still running and its overlap policy may skip or hold the firing (then it is decided at its time). 0 releases every job at its due time and fires schedules when due.");
  public static final Setting TOPOLOGY_STATE_DIR =
      new Setting(
          "runex.topology.stateDir",
          Kind.STRING,
          "",
          null,
          "Kafka Streams state.dir (empty: a folder under java.io.tmpdir).");
  public static final Setting TOPOLOGY_THREADS =
      new Setting(
          "runex.topology.streamThreads",
          Kind.INT,
          "1",
          1L,
          "Kafka Streams num.stream.threads of the topology's jobs path. The job-status application has its own, runex.topology.statusStreamThreads.");
  public static final Setting TOPOLOGY_STATUS_THREADS =
      new Setting(
          "runex.topology.statusStreamThreads",
          Kind.INT,
          "2",
          1L,
          "Kafka Streams num.stream.threads of the job-status application. Two by default, even on two cores: after a burst of jobs has run, folding their statuses is the only work left, and a single thread leaves the other core idle while status answers trail the results (the bench's 1,000,000-job drain was folded 1.06-1.20x the time of its last result with one thread, 1.01-1.02x with two). The price, where the jobs path shares the cores with it: during the burst a second thread takes a larger share of them (that drain ran ~14% slower, at ~16% more CPU per job). 1 favours the jobs path.");
  public static final Setting TOPOLOGY_STATUS_NICE =
      new Setting(
          "runex.topology.statusNice",
          Kind.INT,
          "5",
          0L,
          "How much lower than the process's the CPU priority of the job-status application's stream threads is: added to their nice value (at most 19; Linux, via renice; 0: the same priority). Statuses are a view that may trail by a moment; where those threads share cores with the jobs path (topology, worker, broker), the jobs path gets the cores first and the statuses are folded in larger batches. In the bench's 1,000,000-job drains on two cores (four each way), 5 drained 17,600-19,500 jobs/s against 14,000-15,800 at 0, its last result 8-18 s sooner and every status folded 2-13 s sooner (1.10-1.13x the time of the last result, against 1.01-1.02x); 10 drained faster still but folded the statuses 1.25x the time of the last result.");
  public static final Setting TOPOLOGY_STANDBY_REPLICAS =
      new Setting(
          "runex.topology.standbyReplicas",
          Kind.INT,
          "0",
          0L,
          "Kafka Streams num.standby.replicas.");
  public static final Setting TOPOLOGY_ROCKSDB_MEMORY =
      new Setting(
          "runex.topology.rocksdbMemory",
          Kind.SIZE,
          "128MB",
          0L,
          "Native memory all RocksDB state stores of one topology process share: one block cache of this size, with the memtables charged to it (half at most) and index and filter blocks inside it. 0: Kafka Streams' defaults per store (a 50 MB block cache and up to three 16 MB memtables each, for dozens of stores).");
  public static final Setting TOPOLOGY_MAX_THREAD_REPLACEMENTS =
      new Setting(
          "runex.topology.maxThreadReplacements",
          Kind.INT,
          "10",
          0L,
          "Stream thread failures (an unexpected error from Kafka or a state store; an unreachable registry is waited out, not a failure) the topology replaces within 5 minutes; at the next one it stops its Streams client, /health/live turns DOWN and `runex topology` exits, so the supervisor restarts it with back-off. 0: stop at the first failure.");
  public static final Setting TOPOLOGY_STATUS_ENABLED =
      new Setting(
          "runex.topology.statusEnabled",
          Kind.BOOLEAN,
          "true",
          null,
          "Run the job-status application: fold the events topic into the status stores and serve them (/jobs,"
              + " runex status, runex jobs). false: no status stores or API, and none of their CPU (about 40 % of the"
              + " topology process's in the benchmark's drain); lifecycle events are written either way.");
  public static final Setting TOPOLOGY_STATUS_PORT =
      new Setting(
          "runex.topology.statusPort",
          Kind.INT,
          "9471",
          -1L,
          "Port of the job status HTTP API (/jobs) each topology instance serves; 0 picks a free port (so does a port in use), -1 disables it.");
  public static final Setting TOPOLOGY_STATUS_HOST =
      new Setting(
          "runex.topology.statusHost",
          Kind.STRING,
          "127.0.0.1",
          null,
          "Address the job status HTTP API binds to.");
  public static final Setting TOPOLOGY_STATUS_ADVERTISED_HOST =
      new Setting(
          "runex.topology.statusAdvertisedHost",
          Kind.STRING,
          "",
          null,
          "Host other topology instances reach this one's status API at (its Kafka Streams application.server); empty: statusHost, or this machine's name when statusHost is 0.0.0.0.");
  public static final Setting TOPOLOGY_STATUS_RETENTION =
      new Setting(
          "runex.topology.statusRetention",
          Kind.DURATION,
          "7d",
          1000L,
          "How long a finished job's status stays queryable; then the status store deletes it.");
  public static final Setting CONTROL_CANCEL_RETENTION =
      new Setting(
          "runex.control.cancelRetention",
          Kind.DURATION,
          "7d",
          60_000L,
          "How long a job's cancel stays on the compacted control topic; then the topology deletes it (a tombstone), so cancels do not pile up in every instance's control table. Delayed, waiting and running jobs see a cancel within a punctuation; keep this longer than a job may take to reach the runtime after its cancel.");
  public static final Setting INTAKE_MAX_REQUEST_BYTES =
      new Setting(
          "runex.intake.maxRequestBytes",
          Kind.INT,
          "1048576",
          1L,
          "Hard cap on an intake record's value size, before any job type's own maxPayloadBytes.");
  public static final Setting INTAKE_IDEMPOTENCY_WINDOW =
      new Setting(
          "runex.intake.idempotencyWindow",
          Kind.DURATION,
          "24h",
          1000L,
          "How long a job's idempotencyKey (per tenant) is remembered: a later submission with the same key within it does not run and gets a REJECTED result with code DUPLICATE pointing at the first job.");
  public static final Setting WORKER_POOL =
      new Setting(
          "runex.worker.pool",
          Kind.STRING,
          "default",
          null,
          "Pool this worker serves (reads scheduled.<pool>).");
  public static final Setting WORKER_ID =
      new Setting(
          "runex.worker.id",
          Kind.STRING,
          "",
          null,
          "Stable worker id; also its transactional.id suffix and static group.instance.id. Empty: host name + pid (not static).");
  public static final Setting WORKER_CONCURRENCY =
      new Setting(
          "runex.worker.concurrency",
          Kind.INT,
          "16",
          1L,
          "Jobs one worker runs at once (distinct partition keys).");
  public static final Setting WORKER_MEMORY_BUDGET =
      new Setting(
          "runex.worker.memoryBudget",
          Kind.SIZE,
          "4GB",
          0L,
          "Memory the jobs one worker runs at once may declare in total (their limits.memory); a job waits until its memory fits. 0: no budget.");
  public static final Setting WORKER_SANDBOX =
      new Setting(
          "runex.worker.sandbox",
          Kind.STRING,
          "auto",
          null,
          "Process jobs' isolation: bubblewrap (required: a worker without bwrap fails process jobs), none (rlimits and a process group only), auto (bubblewrap when installed, else none with a loud warning).");
  public static final Setting WORKER_WORK_DIR =
      new Setting(
          "runex.worker.workDir",
          Kind.STRING,
          "",
          null,
          "Where process jobs get their fresh per-attempt working directories, deleted afterwards (empty: runex-jobs under java.io.tmpdir).");
  public static final Setting WORKER_KILL_GRACE =
      new Setting(
          "runex.worker.killGrace",
          Kind.DURATION,
          "2s",
          0L,
          "On timeout or cancel, how long a process job's processes have between SIGTERM and SIGKILL.");
  public static final Setting WORKER_COMMIT_INTERVAL =
      new Setting(
          "runex.worker.commitInterval",
          Kind.DURATION,
          "100ms",
          1L,
          "The longest a finished job's result waits for the worker's commit (results, events and offsets in one transaction). Under load the worker commits once per interval; with nothing else at hand it commits sooner, see runex.worker.minCommitGap. The worker's producer lingers up to it (the commit flushes).");
  public static final Setting WORKER_MIN_COMMIT_GAP =
      new Setting(
          "runex.worker.minCommitGap",
          Kind.DURATION,
          "10ms",
          0L,
          "A worker whose last poll found no new records and that has no job waiting to start commits its finished jobs' outputs at once instead of at the commit interval, but no sooner than this after its last commit (so a trickle of jobs does not become a commit per job). Equal to runex.worker.commitInterval: commit on the interval only.");
  public static final Setting WORKER_MAX_BUFFERED =
      new Setting(
          "runex.worker.maxBufferedRecords",
          Kind.INT,
          "2000",
          1L,
          "Records fetched but not yet started; above it the consumer pauses fetching.");
  public static final Setting WORKER_MAX_UNCOMMITTED =
      new Setting(
          "runex.worker.maxUncommittedOffsets",
          Kind.INT,
          "8192",
          64L,
          "Per partition, how far past the oldest unfinished job a worker may run; completed offsets above the commit point travel in the commit metadata.");
  public static final Setting WORKER_DRAIN_TIMEOUT =
      new Setting(
          "runex.worker.drainTimeout",
          Kind.DURATION,
          "30s",
          0L,
          "On shutdown or partition revocation, how long in-flight jobs may finish before they are abandoned (they rerun elsewhere).");
  public static final Setting WORKER_TRANSACTION_TIMEOUT =
      new Setting(
          "runex.worker.transactionTimeout",
          Kind.DURATION,
          "15s",
          1000L,
          "Producer transaction.timeout.ms: how long a dead worker's open transaction can hold back read_committed readers.");
  public static final Setting WORKER_SESSION_TIMEOUT =
      new Setting(
          "runex.worker.sessionTimeout",
          Kind.DURATION,
          "10s",
          6000L,
          "Consumer session.timeout.ms: how soon a dead worker's partitions move to another replica.");
  public static final Setting METRICS_PORT =
      new Setting(
          "runex.metrics.port",
          Kind.INT,
          "9464",
          -1L,
          "Port of the Prometheus scrape endpoint (/metrics); 0 picks a free port, -1 disables it.");
  public static final Setting METRICS_HOST =
      new Setting(
          "runex.metrics.host",
          Kind.STRING,
          "127.0.0.1",
          null,
          "Address the metrics endpoint binds to.");
  public static final Setting METRICS_BACKLOG_INTERVAL =
      new Setting(
          "runex.metrics.backlogInterval",
          Kind.DURATION,
          "5s",
          0L,
          "How often each process samples its pools' backlogs from Kafka (runex.backlog.waiting, .oldest.age, .drain.time); 0 turns the sampling off.");
  public static final Setting METRICS_BACKLOG_RATE_WINDOW =
      new Setting(
          "runex.metrics.backlogRateWindow",
          Kind.DURATION,
          "1m",
          1_000L,
          "Span of the recent completion rate that runex.backlog.drain.time divides the backlog by.");

  public static final Setting GATEWAY_HOST =
      new Setting(
          "runex.gateway.host",
          Kind.STRING,
          "127.0.0.1",
          null,
          "Address the gateway (HTTP API and console) binds to; set 0.0.0.0 only behind TLS and with keys you trust.");
  public static final Setting GATEWAY_PORT =
      new Setting(
          "runex.gateway.port",
          Kind.INT,
          "9480",
          -1L,
          "Port of the gateway (HTTP API, console, /metrics, /health); 0 picks a free port, -1: runex local starts no gateway.");
  public static final Setting GATEWAY_STATUS_URL =
      new Setting(
          "runex.gateway.statusUrl",
          Kind.STRING,
          "",
          null,
          "A topology instance's job status API the gateway asks (empty: http://<runex.topology.statusHost>:<runex.topology.statusPort>).");
  public static final Setting GATEWAY_MAX_REQUEST_BYTES =
      new Setting(
          "runex.gateway.maxRequestBytes",
          Kind.SIZE,
          "1MB",
          1024L,
          "Largest request body the gateway accepts; a larger one is refused with 413 and never decoded (sent with Expect: 100-continue it is never sent; otherwise one up to 4 times this is read and discarded so the client gets the answer).");
  public static final Setting GATEWAY_MAX_BATCH =
      new Setting(
          "runex.gateway.maxBatch",
          Kind.INT,
          "500",
          1L,
          "Most jobs one batch submission may carry.");
  public static final Setting GATEWAY_MAX_WAIT =
      new Setting(
          "runex.gateway.maxWait",
          Kind.DURATION,
          "120s",
          0L,
          "Longest a submission may wait for its result (?wait=30s).");
  public static final Setting GATEWAY_STATUS_FOLD_WAIT =
      new Setting(
          "runex.gateway.statusFoldWait",
          Kind.DURATION,
          "5s",
          0L,
          "How long a status read of a job this gateway has just written to intake, whose result it has just read, or whose lifecycle record it has just read (a job written through another gateway replica or straight to Kafka, once the topology has received it), waits for the job-status application to fold it (counted from the write, the result or the latest transition) before answering 404: statuses trail the records they are folded from, and a client reading the status of the job it has just submitted should see it, not 'no such job'. Any other id (a job written a moment ago through another replica, or straight to Kafka) first waits, at most this long, until the topology has read intake as far as it reached when the read began and the gateway the lifecycle records written until then; an id never written, or another tenant's job, is then 404. 0: no wait.");
  public static final Setting GATEWAY_DEAD_LETTERS_HELD =
      new Setting(
          "runex.gateway.deadLettersHeld",
          Kind.INT,
          "10000",
          1L,
          "Dead letters the gateway keeps in memory to browse, search and replay (the newest; older ones stay on the topic, for runex dlq).");
  public static final Setting GATEWAY_SESSION_TIMEOUT =
      new Setting(
          "runex.gateway.sessionTimeout",
          Kind.DURATION,
          "12h",
          60_000L,
          "How long a console login (an HttpOnly session cookie) lasts. Logging out clears the cookie in that browser; a copy of the cookie taken before stays valid until this runs out (or its key is removed from runex.gateway.keys, or the session secret changes).");
  public static final Setting GATEWAY_SESSION_SECRET =
      new Setting(
          "runex.gateway.sessionSecret",
          Kind.STRING,
          "",
          null,
          "Where the secret that signs console login cookies is read from: env:<VARIABLE> or file:<path> (at least 32 bytes; never the secret itself). Every gateway replica behind one address needs the same secret, so a login made on one holds on the others and across restarts. Empty: each gateway makes a random one at start, and a login holds on that instance only, until it stops.");
  public static final Setting GATEWAY_OVERVIEW_WINDOW =
      new Setting(
          "runex.gateway.overviewWindow",
          Kind.DURATION,
          "10m",
          60_000L,
          "How far back the console's overview charts and rates reach (read from the events topic at start).");

  public static final List<Setting> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          SCHEMA_REGISTRY_URL,
          TOPIC_PREFIX,
          OUTPUT_FORMAT,
          TOPIC_PARTITIONS,
          TOPIC_REPLICATION,
          TOPIC_RETENTION,
          TOPIC_CREATE,
          TOPOLOGY_APPLICATION_ID,
          TOPOLOGY_COMMIT_INTERVAL,
          TOPOLOGY_STATUS_COMMIT_INTERVAL,
          TOPOLOGY_STATUS_TRANSACTION_TIMEOUT,
          TOPOLOGY_PUNCTUATE_INTERVAL,
          TOPOLOGY_RELEASE_AHEAD,
          TOPOLOGY_STATE_DIR,
          TOPOLOGY_THREADS,
          TOPOLOGY_STATUS_THREADS,
          TOPOLOGY_STATUS_NICE,
          TOPOLOGY_STANDBY_REPLICAS,
          TOPOLOGY_ROCKSDB_MEMORY,
          TOPOLOGY_MAX_THREAD_REPLACEMENTS,
          TOPOLOGY_STATUS_ENABLED,
          TOPOLOGY_STATUS_PORT,
          TOPOLOGY_STATUS_HOST,
          TOPOLOGY_STATUS_ADVERTISED_HOST,
          TOPOLOGY_STATUS_RETENTION,
          CONTROL_CANCEL_RETENTION,
          INTAKE_MAX_REQUEST_BYTES,
          INTAKE_IDEMPOTENCY_WINDOW,
          WORKER_POOL,
          WORKER_ID,
          WORKER_CONCURRENCY,
          WORKER_MEMORY_BUDGET,
          WORKER_SANDBOX,
          WORKER_WORK_DIR,
          WORKER_KILL_GRACE,
          WORKER_COMMIT_INTERVAL,
          WORKER_MIN_COMMIT_GAP,
          WORKER_MAX_BUFFERED,
          WORKER_MAX_UNCOMMITTED,
          WORKER_DRAIN_TIMEOUT,
          WORKER_TRANSACTION_TIMEOUT,
          WORKER_SESSION_TIMEOUT,
          METRICS_PORT,
          METRICS_HOST,
          METRICS_BACKLOG_INTERVAL,
          METRICS_BACKLOG_RATE_WINDOW,
          GATEWAY_HOST,
          GATEWAY_PORT,
          GATEWAY_STATUS_URL,
          GATEWAY_MAX_REQUEST_BYTES,
          GATEWAY_MAX_BATCH,
          GATEWAY_MAX_WAIT,
          GATEWAY_STATUS_FOLD_WAIT,
          GATEWAY_DEAD_LETTERS_HELD,
          GATEWAY_SESSION_TIMEOUT,
          GATEWAY_SESSION_SECRET,
          GATEWAY_OVERVIEW_WINDOW);

  public static Setting byKey(String key) {
    for (Setting s : ALL) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }
}
