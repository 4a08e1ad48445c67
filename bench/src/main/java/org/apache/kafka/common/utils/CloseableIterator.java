package org.apache.kafka.common.utils;

/**
 * Bench only: Parallel Consumer 0.5.3.3 (the io scenario's peer, built against Kafka 3 clients)
 * implements this interface, which Kafka 4's clients moved to {@code
 * org.apache.kafka.common.utils.internals}. Declaring it again at its old name lets that release
 * load next to the Kafka 4 clients runex uses; it is the same interface.
 */
public interface CloseableIterator<T>
    extends org.apache.kafka.common.utils.internals.CloseableIterator<T> {}
