package dev.runex.schemas.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with the serdes of its key and value, so producers and consumers of a topic cannot
 * disagree on its encoding.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
