package dev.runex.workers;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Creates the worker's Kafka clients (real ones; tests pass mocks). */
interface WorkerClients {

  Consumer<String, byte[]> consumer(Map<String, Object> config);

  Producer<byte[], byte[]> producer(Map<String, Object> config);

  /**
   * The consumer that reads the control topic into the worker's control table; null: no control
   * topic (tests).
   */
  default Consumer<String, byte[]> controlConsumer(Map<String, Object> config) {
    return null;
  }

  static WorkerClients kafka() {
    return new WorkerClients() {
      @Override
      public Consumer<String, byte[]> consumer(Map<String, Object> config) {
        // values stay bytes: decoding happens per record, so a bad record becomes a dead letter
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
      }

      @Override
      public Consumer<String, byte[]> controlConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
      }

      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
      }
    };
  }
}
