package dev.runex.gateway.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.gateway.follow.TopicFollower;
import dev.runex.schemas.json.AvroJson;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} and {@code /health/ready} of the gateway. Live: the process serves HTTP.
 * Ready: every topic it follows (results, dead letters, events, audit, control) has been read up to
 * where it stood at start and is still being polled, so what the console shows is current.
 */
public final class GatewayHealth {
  private static final Duration STALL = Duration.ofSeconds(30);

  private final List<TopicFollower> followers;
  private final PausedTargets paused;
  private final BooleanSupplier backlogFresh;

  public GatewayHealth(
      List<TopicFollower> followers, PausedTargets paused, BooleanSupplier backlogFresh) {
    this.followers = List.copyOf(followers);
    this.paused = paused;
    this.backlogFresh = backlogFresh;
  }

  /** Readiness: {@code ready} and one check per part. */
  public ObjectNode ready() {
    ObjectNode checks = AvroJson.MAPPER.createObjectNode();
    boolean ready = true;
    for (TopicFollower f : followers) {
      boolean ok = f.isCaughtUp() && f.isAlive(STALL);
      checks.put(f.topic(), ok ? "UP" : f.isCaughtUp() ? "STALLED" : "CATCHING_UP");
      ready &= ok;
    }
    boolean control = paused.isCaughtUp();
    checks.put("control", control ? "UP" : "CATCHING_UP");
    boolean backlog = backlogFresh.getAsBoolean();
    checks.put("backlog", backlog ? "UP" : "STALE");
    ready &= control && backlog;
    ObjectNode out = AvroJson.MAPPER.createObjectNode();
    out.put("status", ready ? "UP" : "DOWN");
    out.set("checks", checks);
    return out;
  }

  public static ObjectNode live() {
    return AvroJson.MAPPER.createObjectNode().put("status", "UP");
  }
}
