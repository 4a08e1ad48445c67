package dev.runex.bench.scaling;

import dev.runex.bench.BenchInfra;
import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.RuntimeProcess;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scaling benchmark: I/O-bound jobs (the built-in {@code sleep} handler, a fixed time each) with a
 * fixed concurrency per worker process, drained by 1, 2 and 4 worker processes in turn — jobs/s and
 * efficiency against linear (N workers against N times one) and against the ideal (slots ÷ job time
 * per worker) — and, with a load flowing until the last step is measured, a pool stepped 1 → 2 → 4
 * → 2 → 1 (scale-down by SIGTERM), with the longest pause in results after each step. Each consumer
 * group protocol asked for is measured in the same run (the classic protocol and KIP-848's {@code
 * consumer} protocol). The topology runs in this JVM; workers are separate processes of the shaded
 * runex jar, as Kubernetes would run them.
 */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    description = "Worker scaling: drain rate with 1, 2, 4 worker processes; pauses when stepping.")
public final class ScalingBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ScalingBench.class);

  @Option(
      names = "--job-ms",
      defaultValue = "100",
      description = "Time each job takes (default: ${DEFAULT-VALUE}).")
  int jobMs;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Jobs at once per worker process (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--seconds-per-drain",
      defaultValue = "15",
      description = "Ideal drain time of each backlog, sizing it (default: ${DEFAULT-VALUE}).")
  int secondsPerDrain;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--workers",
      defaultValue = "1,2,4",
      split = ",",
      description = "Worker counts to drain with (default: ${DEFAULT-VALUE}).")
  List<Integer> workerCounts;

  @Option(
      names = "--protocols",
      defaultValue = "classic,consumer",
      split = ",",
      description = "Consumer group protocols of the workers (default: ${DEFAULT-VALUE}).")
  List<String> protocols;

  @Option(
      names = "--step-seconds",
      defaultValue = "20",
      description = "Time between steps of the 1-2-4-2-1 phase (default: ${DEFAULT-VALUE}).")
  int stepSeconds;

  @Option(names = "--no-steps", description = "Skip the 1-2-4-2-1 phase.")
  boolean noSteps;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScalingBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<String> report = new ArrayList<>();
    try (BenchInfra infra = BenchInfra.start()) {
      for (String protocol : protocols) {
        Map<Integer, Double> rates = new HashMap<>();
        for (int n : workerCounts) {
          double rate = drain(infra, protocol, n);
          rates.put(n, rate);
        }
        double one = rates.getOrDefault(1, Double.NaN);
        double ideal = concurrency * 1000.0 / jobMs;
        for (int n : workerCounts) {
          double r = rates.get(n);
          report.add(
              String.format(
                  Locale.ROOT,
                  "| %s | %d | %,.0f | %,.0f | %.0f %% | %.0f %% |",
                  protocol,
                  n,
                  r,
                  n * one,
                  100 * r / (n * one),
                  100 * r / (n * ideal)));
        }
        if (!noSteps) {
          for (String line : steps(infra, protocol)) {
            report.add("| " + protocol + " | step " + line + " |");
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nScaling: %d ms jobs, %d slots per worker, %d partitions (ideal rate per worker %,d jobs/s)%n",
        jobMs,
        concurrency,
        partitions,
        concurrency * 1000 / jobMs);
    System.out.println(
        "| protocol | workers | jobs/s (steady 10-90 %) | linear | efficiency | of ideal |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    report.forEach(System.out::println);
    return 0;
  }

  /** Drains a preloaded backlog with {@code n} worker processes; the steady rate, jobs/s. */
  private double drain(BenchInfra infra, String protocol, int n) throws Exception {
    int jobs = n * concurrency * 1000 / jobMs * secondsPerDrain;
    String prefix = "scale-" + protocol + "-" + n + "-" + System.nanoTime() % 100_000 + ".";
    try (Stack stack = new Stack(infra, prefix, protocol)) {
      stack.scaleTo(n);
      stack.submit(jobs, jobMs);
      ResultClock clock = stack.results;
      clock.awaitCount(jobs, Duration.ofMinutes(10));
      double rate = clock.steadyRate(jobs);
      log.info("{} protocol, {} worker(s): {} jobs at {} jobs/s", protocol, n, jobs, rate);
      return rate;
    }
  }

  /** Steps 1 → 2 → 4 → 2 → 1 under a steady load; the longest result pause after each step. */
  private List<String> steps(BenchInfra infra, String protocol) throws Exception {
    int[] plan = {1, 2, 4, 2, 1};
    int perSecond = concurrency * 1000 / jobMs / 2; // half of one worker's capacity
    String prefix = "steps-" + protocol + "-" + System.nanoTime() % 100_000 + ".";
    List<String> lines = new ArrayList<>();
    try (Stack stack = new Stack(infra, prefix, protocol)) {
      // The load runs until the last step is measured: starting workers and waiting for the group
      // take a varying time, and a load that ended early would read as a pause in results.
      AtomicBoolean stepsOver = new AtomicBoolean();
      Thread load = new Thread(() -> stack.paced(perSecond, stepsOver, jobMs), "steps-load");
      load.start();
      for (int target : plan) {
        long at = System.nanoTime();
        int before = stack.workers.size();
        stack.scaleTo(target);
        Thread.sleep(stepSeconds * 1000L); // let the step settle under load
        long pause = stack.results.longestGapMs(at, System.nanoTime());
        lines.add(
            String.format(
                Locale.ROOT, "%d→%d | longest result pause %,d ms | | | |", before, target, pause));
      }
      stepsOver.set(true);
      load.join();
    }
    return lines;
  }

  /** "members state" of the group; "0 NONE" until its first member joined. */
  private static String describe(Admin admin, String group) throws InterruptedException {
    try {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      return d.members().size() + " " + d.groupState();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return "0 NONE";
      }
      throw new IllegalStateException("cannot describe " + group, e.getCause());
    }
  }

  /** The topology in this JVM plus worker processes, on topics of their own. */
  private final class Stack implements AutoCloseable {
    final RunexConfig cfg;
    final RunexTopics topics;
    final RunexTopology topology;
    final ResultClock results;
    final Submitter submitter;
    final List<RuntimeProcess> workers = new ArrayList<>();
    final String protocol;
    final BenchInfra infra;
    final String prefix;

    Stack(BenchInfra infra, String prefix, String protocol) {
      this.infra = infra;
      this.prefix = prefix;
      this.protocol = protocol;
      Map<String, String> values = new HashMap<>();
      values.put(Settings.BOOTSTRAP_SERVERS.key(), infra.bootstrapServers());
      values.put(Settings.SCHEMA_REGISTRY_URL.key(), infra.registryUrl());
      values.put(Settings.TOPIC_PREFIX.key(), prefix);
      values.put(Settings.TOPOLOGY_APPLICATION_ID.key(), prefix + "topology");
      values.put(Settings.TOPOLOGY_STATE_DIR.key(), infra.stateDir(prefix).toString());
      values.put(Settings.TOPIC_PARTITIONS.key(), Integer.toString(partitions));
      values.put(Settings.METRICS_PORT.key(), "-1");
      values.put(Settings.TOPOLOGY_STATUS_PORT.key(), "-1");
      cfg = ConfigLoader.load(null, Map.of(), values);
      topics = cfg.topics();
      TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
      topology = new RunexTopology(cfg, topics, new SimpleMeterRegistry());
      topology.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (topology.state() != KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the topology did not start within 120 s");
        }
        sleepQuietly(100);
      }
      results = new ResultClock(cfg, topics);
      submitter = new Submitter(cfg, topics);
    }

    void submit(int jobs, int ms) {
      for (int i = 0; i < jobs; i++) {
        submitter.sleepJob(prefix + i, ms);
      }
      submitter.flush();
    }

    /** Submits {@code perSecond} jobs of {@code ms} each second until {@code over} is set. */
    void paced(int perSecond, AtomicBoolean over, int ms) {
      long start = System.nanoTime();
      for (int i = 0; !over.get(); i++) {
        submitter.sleepJob(prefix + "p" + i, ms);
        long due = start + (long) (i + 1) * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          submitter.flush();
          sleepQuietly(wait / 1_000_000);
        }
      }
      submitter.flush();
    }

    void scaleTo(int n) {
      Path logs = infra.stateDir(prefix).resolve("worker-logs");
      while (workers.size() < n) {
        String id = "w" + (workers.size() + 1);
        workers.add(
            RuntimeProcess.worker(
                id,
                "default",
                concurrency,
                cfg,
                null,
                List.of(
                    Settings.TOPOLOGY_STATUS_PORT.key() + "=-1",
                    "runex.kafka.consumer.group.protocol=" + protocol),
                logs));
      }
      while (workers.size() > n) {
        RuntimeProcess w = workers.remove(workers.size() - 1);
        Duration took = w.terminate(Duration.ofSeconds(60));
        log.info("{} left by SIGTERM in {} ms", w.name(), took.toMillis());
      }
      awaitGroup(n);
    }

    /** Until the pool's group has exactly {@code n} members and a stable assignment. */
    private void awaitGroup(int n) {
      String group = prefix + "worker.default";
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
        while (true) {
          String seen = describe(admin, group);
          if (seen.equals(n + " " + GroupState.STABLE)) {
            return;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(group + " is " + seen + ", not " + n + " STABLE");
          }
          sleepQuietly(200);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      workers.forEach(RuntimeProcess::close);
      submitter.close();
      results.close();
      topology.close();
      infra.deleteTopics(prefix);
    }
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
