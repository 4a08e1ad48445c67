package dev.runex.topology;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.topics.RunexTopics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers, when the topology starts, the value schemas of the topics every due job is written to
 * — its pool's scheduled topics (each priority) and {@code events} — so that the first job of each
 * does not wait for the schema registry on the jobs path's stream thread (a serializer registers
 * its schema on its first record, once per subject and process: on a local registry the first job
 * of a pool's normal and low topics reached them 20–60 ms later without this). The registry client
 * keeps the ids for the serializers. On a thread of its own: a registry that is away delays nothing
 * but this, and the stream thread then registers on the first record as before.
 */
final class SchemaWarmUp {
  private static final Logger log = LoggerFactory.getLogger(SchemaWarmUp.class);

  private SchemaWarmUp() {}

  /** Starts registering on a daemon thread; {@code topics}' registry decides how long it waits. */
  static Thread start(RunexConfig cfg, RunexTopics topics) {
    Thread t =
        new Thread(
            () -> {
              try {
                long t0 = System.nanoTime();
                int n = registerAll(cfg, topics);
                log.debug(
                    "registered {} value schemas in {} ms",
                    n,
                    (System.nanoTime() - t0) / 1_000_000);
              } catch (RuntimeException e) {
                log.warn(
                    "could not register the jobs path's schemas ahead ({}); each is registered with"
                        + " its first record instead",
                    e.toString());
              }
            },
            "runex-topology-schemas");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Registers every subject of {@link #subjects}; returns how many. */
  static int registerAll(RunexConfig cfg, RunexTopics topics) {
    Map<String, Schema> subjects = subjects(cfg, topics);
    subjects.forEach((subject, schema) -> topics.registry().register(subject, schema));
    return subjects.size();
  }

  /** The value subjects every due job may be written to, with their schemas. */
  static Map<String, Schema> subjects(RunexConfig cfg, RunexTopics topics) {
    Map<String, Schema> subjects = new LinkedHashMap<>();
    subjects.put(
        ConfluentAvroSerializer.subject(topics.events().name(), false), JobEvent.getClassSchema());
    for (String pool : cfg.pools()) {
      for (JobPriority p : JobPriority.values()) {
        subjects.put(
            ConfluentAvroSerializer.subject(topics.scheduled(pool, p).name(), false),
            Job.getClassSchema());
      }
    }
    return subjects;
  }
}
