package dev.runex.gateway.deadletter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.schemas.json.AvroJson;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One paced replay of dead letters, started by a key: what it replays, how fast, and how far it
 * got. Thread-safe: the replaying thread writes, requests read.
 */
public final class ReplayRun {
  /** Where a run is. */
  public enum State {
    RUNNING,
    DONE,
    FAILED
  }

  private final String id;
  private final String actor;
  private final String tenant;
  private final Instant startedAt = Instant.now();
  private final double rate;
  private final List<DeadLetterEntry> items;
  private final AtomicInteger replayed = new AtomicInteger();
  private final List<String> newJobIds = new CopyOnWriteArrayList<>();
  private volatile State state = State.RUNNING;
  private volatile String error;
  private volatile Instant finishedAt;

  ReplayRun(String id, String actor, String tenant, double rate, List<DeadLetterEntry> items) {
    this.id = id;
    this.actor = actor;
    this.tenant = tenant;
    this.rate = rate;
    this.items = List.copyOf(items);
  }

  public String id() {
    return id;
  }

  public String tenant() {
    return tenant;
  }

  public State state() {
    return state;
  }

  public int replayed() {
    return replayed.get();
  }

  public List<DeadLetterEntry> items() {
    return items;
  }

  void replayedOne(String jobId) {
    newJobIds.add(jobId);
    replayed.incrementAndGet();
  }

  void finish(String failure) {
    this.error = failure;
    this.finishedAt = Instant.now();
    this.state = failure == null ? State.DONE : State.FAILED;
  }

  public ObjectNode toJson() {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("replayId", id);
    n.put("actor", actor);
    n.put("tenant", tenant);
    n.put("state", state.name());
    n.put("rate", rate);
    n.put("count", items.size());
    n.put("replayed", replayed.get());
    n.put("startedAt", startedAt.toString());
    n.put("finishedAt", finishedAt == null ? null : finishedAt.toString());
    n.put("error", error);
    ArrayNode jobs = n.putArray("jobIds");
    newJobIds.forEach(jobs::add);
    return n;
  }
}
