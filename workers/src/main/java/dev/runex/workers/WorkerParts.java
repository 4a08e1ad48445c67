package dev.runex.workers;

import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.execution.ScheduledJobDecoder;
import dev.runex.workers.internal.output.OutcomeRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What a {@link WorkerLoop} is built from: its topics (the pool's scheduled topic per priority,
 * highest first), clients (a first producer, and where its replacements come from when one is lost)
 * and collaborators.
 */
record WorkerParts(
    List<String> topics,
    Consumer<String, byte[]> consumer,
    Producer<byte[], byte[]> producer,
    Supplier<Producer<byte[], byte[]>> producers,
    HandlerRegistry handlers,
    OutcomeRecords outputs,
    ScheduledJobDecoder decoder,
    MeterRegistry meters,
    ControlTable control) {}
