package dev.runex.topology.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers status queries from the status stores of every topology instance (Kafka Streams
 * interactive queries). A lookup by id goes to the one instance that owns the job's partition
 * ({@link KafkaStreams#queryMetadataForKey}): answered here, or forwarded once to the owner's
 * {@code application.server}. A listing asks this instance's partitions and every other instance
 * (each for one page), then merges the pages in job-id order.
 */
public final class StatusQueries {
  private final KafkaStreams streams;
  private final HostInfo self;
  private final String eventsTopic;
  private final PeerClient peers = new PeerClient();

  public StatusQueries(KafkaStreams streams, HostInfo self, String eventsTopic) {
    this.streams = streams;
    this.self = self;
    this.eventsTopic = eventsTopic;
  }

  /**
   * The status of {@code jobId}; {@code forwarded}: a peer sent it here, so never forward again.
   */
  public StatusLookup byId(String jobId, boolean forwarded) {
    KeyQueryMetadata owner;
    try {
      owner = streams.queryMetadataForKey(StatusUpdater.STORE, jobId, Serdes.String().serializer());
    } catch (IllegalStateException | InvalidStateStoreException e) {
      // not started, shutting down, or its stores are not queryable yet
      return new StatusLookup.Unavailable("the topology is not running: " + e.getMessage());
    }
    if (owner == null
        || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)
        || owner.activeHost() == null) {
      return new StatusLookup.Unavailable(
          "no instance owns job " + jobId + " right now (rebalancing)");
    }
    if (owner.activeHost().equals(self)) {
      return local(jobId, owner.partition());
    }
    if (forwarded) {
      return new StatusLookup.Unavailable(
          "job " + jobId + " moved to " + owner.activeHost() + "; retry");
    }
    return remote(owner.activeHost(), jobId);
  }

  /**
   * A page of jobs matching {@code filter} after {@code afterId}; {@code localOnly}: this
   * instance's partitions only.
   */
  public JobPage list(JobFilter filter, String afterId, int limit, boolean localOnly)
      throws IOException {
    List<List<JsonNode>> parts = new ArrayList<>();
    for (int partition : localPartitions()) {
      List<JsonNode> part = new ArrayList<>();
      reader(partition).list(filter, afterId, limit + 1).forEach(v -> part.add(AvroJson.toJson(v)));
      parts.add(part);
    }
    if (!localOnly) {
      for (StreamsMetadata peer : streams.streamsMetadataForStore(StatusUpdater.STORE)) {
        if (!peer.hostInfo().equals(self)) {
          parts.add(remotePage(peer.hostInfo(), filter, afterId, limit + 1));
        }
      }
    }
    return JobPage.merge(parts, limit);
  }

  private StatusLookup local(String jobId, int partition) {
    try {
      JobStatusView v = reader(partition).get(jobId);
      return v == null ? new StatusLookup.NotFound() : new StatusLookup.Found(AvroJson.toJson(v));
    } catch (InvalidStateStoreException e) {
      return new StatusLookup.Unavailable(
          "the status store of partition " + partition + " is not ready: " + e.getMessage());
    }
  }

  private StatusLookup remote(HostInfo owner, String jobId) {
    try {
      PeerClient.Answer a = peers.get(owner, "/jobs/" + pathSegment(jobId) + "?local=true");
      return switch (a.status()) {
        case 200 -> new StatusLookup.Found(a.body());
        case 404 -> new StatusLookup.NotFound();
        default ->
            new StatusLookup.Unavailable(
                owner + " answered " + a.status() + ": " + a.body().path("error").asText());
      };
    } catch (IOException e) {
      return new StatusLookup.Unavailable("cannot reach " + owner + ": " + e.getMessage());
    }
  }

  private List<JsonNode> remotePage(HostInfo peer, JobFilter filter, String afterId, int limit)
      throws IOException {
    String q = filter.query();
    String path =
        "/jobs?local=true&limit="
            + limit
            + (q.isEmpty() ? "" : "&" + q)
            + (afterId == null ? "" : "&pageToken=" + JobPage.token(afterId));
    PeerClient.Answer a = peers.get(peer, path);
    if (a.status() != 200) {
      throw new IOException(
          peer + " answered " + a.status() + ": " + a.body().path("error").asText());
    }
    List<JsonNode> jobs = new ArrayList<>();
    a.body().path("jobs").forEach(jobs::add);
    return jobs;
  }

  /**
   * A job id as one URL path segment (URLEncoder writes form encoding: '+' would not read back as a
   * space).
   */
  public static String pathSegment(String jobId) {
    return URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private StatusReader reader(int partition) {
    ReadOnlyKeyValueStore<String, JobStatusView> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                    StatusUpdater.STORE, QueryableStoreTypes.<String, JobStatusView>keyValueStore())
                .withPartition(partition));
    ReadOnlyKeyValueStore<String, String> byTenant =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                    StatusUpdater.TENANT_INDEX, QueryableStoreTypes.<String, String>keyValueStore())
                .withPartition(partition));
    return new StatusReader(store, byTenant);
  }

  /** The events-topic partitions whose status tasks run active on this instance. */
  private Set<Integer> localPartitions() {
    Set<Integer> out = new TreeSet<>();
    streams
        .metadataForLocalThreads()
        .forEach(
            thread ->
                thread
                    .activeTasks()
                    .forEach(
                        task ->
                            task.topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(eventsTopic))
                                .forEach(tp -> out.add(tp.partition()))));
    return out;
  }
}
