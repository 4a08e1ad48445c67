package dev.runex.workers.internal.output;

import dev.runex.schemas.JobEvent;
import dev.runex.workers.internal.output.AttemptOutputs.Kind;
import dev.runex.workers.internal.retry.RetryDecision;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An attempt's outputs, built and encoded on whatever thread ended it ({@link
 * OutcomeRecords#prepare}) but not yet sent: the records before and after its lifecycle record, the
 * transitions of its end, and that lifecycle record encoded for the STARTED the transaction held
 * when it was built ({@code start}, null when none was held). {@link OutcomeRecords#take} turns it
 * into the records to send, encoding the lifecycle record again only when a commit wrote the
 * STARTED on its own meanwhile.
 *
 * @param kind how the attempt ended
 * @param decision the retry decision of a failed attempt (null otherwise)
 * @param jobId the job's id (the key of its held STARTED)
 * @param before the result, retry or dead letter, encoded
 * @param end the transitions of the attempt's end, in order
 * @param after the feedback records, encoded
 * @param start the held STARTED that {@code event} carries, or null
 * @param event the lifecycle record: {@code start} (if any) and {@code end}
 */
public record PreparedOutputs(
    Kind kind,
    RetryDecision decision,
    String jobId,
    List<ProducerRecord<byte[], byte[]>> before,
    List<JobEvent> end,
    List<ProducerRecord<byte[], byte[]>> after,
    JobEvent start,
    ProducerRecord<byte[], byte[]> event) {}
