package dev.runex.workers;

import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a running attempt tells the poll loop, in the order it happened, on one queue ({@link
 * InFlightJobs}): that it started on a handler thread, with its STARTED event already encoded, when
 * that thread could not send the event itself; and how it ended ({@link Completion}). Records are
 * encoded on the attempt's own thread, and sent there when the transaction allows, so the poll
 * loop's one thread does as little per job as it can.
 */
sealed interface AttemptNews permits AttemptNews.Started, Completion {

  RunningJob job();

  /**
   * The attempt (started at {@code startedAt}) got a handler thread; {@code event} is its STARTED
   * event, or null when encoding it failed there (the poll loop then encodes it itself).
   */
  record Started(RunningJob job, Instant startedAt, ProducerRecord<byte[], byte[]> event)
      implements AttemptNews {}
}
