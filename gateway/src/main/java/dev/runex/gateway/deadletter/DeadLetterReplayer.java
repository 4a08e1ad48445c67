package dev.runex.gateway.deadletter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.audit.AuditLog;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead letters from the gateway: chooses them (by reference, or by a {@link
 * DeadLetterQuery}, at most {@code limit}, oldest first), says which a dry run would replay, and
 * replays them at a paced rate (jobs per second) on a thread of its own, each as {@link
 * DeadLetterReplay} turns it into an intake record, acked before the next. Every run is written to
 * the audit trail when it starts (who, what, how many, how fast) and when it ends.
 */
public final class DeadLetterReplayer implements AutoCloseable {
  public static final double MAX_RATE = 1000;
  private static final Logger log = LoggerFactory.getLogger(DeadLetterReplayer.class);
  private static final int RUNS_KEPT = 100;

  /** The dead letters a replay would take, and how many matched before the limit. */
  public record Plan(List<DeadLetterEntry> items, int matched) {}

  private final DeadLetterStore store;
  private final Producer<byte[], byte[]> producer;
  private final String intakeTopic;
  private final AuditLog audit;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "runex-gateway-replay");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, ReplayRun> runs = new LinkedHashMap<>();
  private final Counter replayed;

  public DeadLetterReplayer(
      DeadLetterStore store,
      Producer<byte[], byte[]> producer,
      String intakeTopic,
      AuditLog audit,
      MeterRegistry meters) {
    this.replayed = RunexMeters.GATEWAY_REPLAYED.counter(meters);
    this.store = store;
    this.producer = producer;
    this.intakeTopic = intakeTopic;
    this.audit = audit;
  }

  /** The dead letters named by {@code refs}; 404 for one the caller cannot see or none holds. */
  public Plan planRefs(Caller caller, Collection<String> refs, Integer limit) {
    List<DeadLetterEntry> chosen = new ArrayList<>();
    for (String ref : refs) {
      DeadLetterEntry e =
          store
              .byRef(ref)
              .filter(d -> caller.sees(d.tenant()))
              .orElseThrow(() -> Problem.notFound("no dead letter " + ref));
      if (!chosen.contains(e)) {
        chosen.add(e);
      }
    }
    return limit(chosen, limit);
  }

  /** The dead letters matching {@code query} (within the caller's tenant). */
  public Plan planQuery(Caller caller, DeadLetterQuery query, Integer limit) {
    DeadLetterQuery scoped = caller.tenant().map(query::forTenant).orElse(query);
    return limit(store.search(scoped), limit);
  }

  private static Plan limit(List<DeadLetterEntry> matched, Integer limit) {
    List<DeadLetterEntry> sorted = new ArrayList<>(matched);
    sorted.sort(Comparator.comparing(DeadLetterEntry::failedAt));
    int n = limit == null ? sorted.size() : Math.min(limit, sorted.size());
    return new Plan(List.copyOf(sorted.subList(0, n)), matched.size());
  }

  /** Starts replaying {@code plan} at {@code rate} jobs/s; audited before it starts. */
  public ReplayRun start(Caller caller, Plan plan, double rate, String selection)
      throws InterruptedException {
    if (plan.items().isEmpty()) {
      throw Problem.unprocessable("NOTHING_TO_REPLAY", "no dead letter matches");
    }
    ReplayRun run =
        new ReplayRun(
            UUID.randomUUID().toString(),
            caller.keyName(),
            caller.tenant().orElse(null),
            rate,
            plan.items());
    ObjectNode record = AuditLog.record(caller, "dead-letter.replay", selection);
    record.put("replayId", run.id());
    record.put("count", plan.items().size());
    record.put("matched", plan.matched());
    record.put("rate", rate);
    ArrayNode items = record.putArray("items");
    plan.items().stream()
        .limit(1000)
        .forEach(e -> items.addObject().put("ref", e.ref()).put("jobId", e.jobId()));
    audit.write(record);
    synchronized (runs) {
      runs.put(run.id(), run);
      while (runs.size() > RUNS_KEPT) {
        runs.remove(runs.keySet().iterator().next());
      }
    }
    executor.submit(() -> replay(caller, run, rate));
    return run;
  }

  private void replay(Caller caller, ReplayRun run, double rate) {
    long start = System.nanoTime();
    long interval = (long) (1e9 / rate);
    String failure = null;
    try {
      int i = 0;
      for (DeadLetterEntry e : run.items()) {
        long due = start + i++ * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        DeadLetterReplay.IntakeRecord rec =
            DeadLetterReplay.toIntake(e.key(), e.value(), e.coordinates(store.topic()));
        producer.send(new ProducerRecord<>(intakeTopic, rec.key(), rec.value())).get();
        run.replayedOne(RecordText.key(rec.key()));
        replayed.increment();
      }
    } catch (Exception e) {
      failure = e.toString();
      log.warn("replay {} stopped after {} dead letters: {}", run.id(), run.replayed(), failure);
    }
    run.finish(failure);
    try {
      ObjectNode done = AuditLog.record(caller, "dead-letter.replay.finished", run.id());
      done.put("replayId", run.id());
      done.put("replayed", run.replayed());
      done.put("state", run.state().name());
      done.put("error", failure);
      audit.write(done);
    } catch (InterruptedException | RuntimeException e) {
      log.warn("cannot write the end of replay {} to the audit trail: {}", run.id(), e.toString());
    }
  }

  /** A run the caller started or may see (operators see all; tenants their tenant's). */
  public Optional<ReplayRun> run(Caller caller, String id) {
    synchronized (runs) {
      return Optional.ofNullable(runs.get(id)).filter(r -> visible(caller, r));
    }
  }

  /** Recent runs the caller may see, newest first. */
  public List<ReplayRun> runs(Caller caller) {
    List<ReplayRun> out = new ArrayList<>();
    synchronized (runs) {
      runs.values().stream().filter(r -> visible(caller, r)).forEach(r -> out.add(0, r));
    }
    return out;
  }

  private static boolean visible(Caller caller, ReplayRun r) {
    return caller.isOperator() || caller.tenant().get().equals(r.tenant());
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
