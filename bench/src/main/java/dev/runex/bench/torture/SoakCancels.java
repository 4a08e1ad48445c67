package dev.runex.bench.torture;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.control.ControlTargets;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak run's control traffic: jobs delayed by ten minutes, each cancelled on the control topic
 * right after it was submitted (as {@code runex cancel} does), so the control table, the delay
 * index and the cancelled jobs' results and statuses are exercised alongside the {@link Load}.
 */
final class SoakCancels implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SoakCancels.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final ControlWriter control;
  private final String intake;
  private final String prefix;
  private int seq;

  SoakCancels(RunexConfig cfg, String prefix) {
    this.producer = Clients.producer(cfg, "soak-cancels");
    this.control = new ControlWriter(producer, cfg.topics());
    this.intake = cfg.topics().intake().name();
    this.prefix = prefix;
  }

  /** Submits and cancels {@code perSecond} delayed jobs a second until {@code untilNanos}. */
  void run(int perSecond, long untilNanos) {
    if (perSecond <= 0) {
      return;
    }
    long start = System.nanoTime();
    long n = 0;
    while (System.nanoTime() < untilNanos) {
      String id = prefix + "cancelled-" + (++seq);
      try {
        producer
            .send(
                new ProducerRecord<>(
                    intake,
                    id.getBytes(StandardCharsets.UTF_8),
                    ("{\"type\":\"quick\",\"tenant\":\"demo\",\"params\":{},\"delay\":\"10m\"}")
                        .getBytes(StandardCharsets.UTF_8)))
            .get();
        control.send(ControlTargets.job(id), ControlAction.CANCEL, "soak", "soak run");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.warn("cancel of {} not sent: {}", id, e.toString());
      }
      n++;
      long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000); // pacing
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
