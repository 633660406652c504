package io.kafkamlp.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where kafka-mlp's Kafka clients connect and how: the bootstrap servers plus the client settings
 * of a {@code --kafka-config} file ({@code security.protocol}, {@code sasl.mechanism}, {@code
 * sasl.jaas.config}, {@code ssl.truststore.location}, ... or any other client key). The one place
 * that builds the properties every client of the application starts from: both Kafka Streams
 * applications (which hand plain client keys to all their inner clients), the Admin that creates
 * topics, the committed-records reader, the final-snapshot producer, and the producers and
 * consumers of {@code demo}, {@code produce} and {@code export}.
 *
 * <p>Precedence, lowest first: the file; kafka-mlp's own settings for a client (batch sizes,
 * isolation level, ...); for the Streams applications, {@code --streams-config}. The bootstrap
 * servers come from the command line only: a file that sets {@code bootstrap.servers} is refused.
 * Immutable and thread-safe.
 */
final class KafkaClients {

  private final String bootstrapServers;
  private final Map<String, String> config;

  /**
   * @param bootstrapServers the cluster, {@code host:port,...}
   * @param config client settings applied to every client; not {@code bootstrap.servers}
   * @throws IllegalArgumentException if {@code config} sets {@code bootstrap.servers}
   */
  KafkaClients(String bootstrapServers, Map<String, String> config) {
    if (config.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          "the Kafka client config must not set bootstrap.servers: use --bootstrap-servers");
    }
    this.bootstrapServers = bootstrapServers;
    this.config = Map.copyOf(config);
  }

  /** Plain clients of {@code bootstrapServers}, with the client defaults. */
  static KafkaClients plain(String bootstrapServers) {
    return new KafkaClients(bootstrapServers, Map.of());
  }

  /**
   * Clients of {@code bootstrapServers} with the settings of a Java properties file.
   *
   * @param file the {@code --kafka-config} file; {@code null} for none
   * @throws IllegalArgumentException if the file cannot be read or sets {@code bootstrap.servers}
   */
  static KafkaClients fromFile(String bootstrapServers, Path file) {
    if (file == null) {
      return plain(bootstrapServers);
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read Kafka client config " + file + ": " + e, e);
    }
    Map<String, String> config = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      config.put(key, properties.getProperty(key).strip());
    }
    try {
      return new KafkaClients(bootstrapServers, config);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * A new, modifiable copy of the base properties: the file's settings and the bootstrap servers.
   */
  Properties properties() {
    return properties(Map.of());
  }

  /** The base properties with {@code own} (kafka-mlp's settings for one client) over them. */
  Properties properties(Map<String, ?> own) {
    Properties props = new Properties();
    props.putAll(config);
    props.putAll(own);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  Admin admin() {
    return Admin.create(properties());
  }

  KafkaProducer<byte[], byte[]> producer(Map<String, ?> own) {
    return new KafkaProducer<>(
        properties(own), new ByteArraySerializer(), new ByteArraySerializer());
  }

  KafkaConsumer<byte[], byte[]> consumer(Map<String, ?> own) {
    return new KafkaConsumer<>(
        properties(own), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
