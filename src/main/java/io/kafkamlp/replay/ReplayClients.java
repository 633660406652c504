package io.kafkamlp.replay;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients that feed the pipeline and read its answers. Each is built from a caller's base
 * client properties (the bootstrap servers and any connection settings, such as security), never
 * changed here, with this class's settings over them.
 */
public final class ReplayClients {

  private ReplayClients() {}

  /** Base client properties with only {@code bootstrap.servers} set. */
  public static Properties plain(String bootstrapServers) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /**
   * A producer for bulk sample records, tuned as the notes on the embedded broker measured: 512 KiB
   * batches (the 16 KiB default holds only about five 3 KiB samples) and a 20 ms linger. The caller
   * closes it.
   */
  public static KafkaProducer<byte[], byte[]> bulkProducer(Properties base) {
    Properties props = copy(base);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A consumer of committed records only (the trainer writes in transactions), assigned by the
   * caller, who closes it. Fetch sizes are the client's defaults: fine for predictions and for the
   * occasional snapshot (a fetch always returns at least one record, however big).
   */
  public static KafkaConsumer<byte[], byte[]> committedConsumer(Properties base) {
    Properties props = copy(base);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static Properties copy(Properties base) {
    Properties props = new Properties();
    props.putAll(base);
    return props;
  }
}
