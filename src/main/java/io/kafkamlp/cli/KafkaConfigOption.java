package io.kafkamlp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --kafka-config FILE} option of every command that talks to Kafka: client settings
 * (security first) for every Kafka client the command creates, see {@link KafkaClients}.
 */
final class KafkaConfigOption {

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Java properties file of Kafka client settings for every client (the Streams"
              + " applications, admin, producers, consumers), e.g. security.protocol,"
              + " sasl.mechanism, sasl.jaas.config, ssl.truststore.location. Not"
              + " bootstrap.servers.")
  Path file;

  /** The clients of {@code bootstrapServers} with this file's settings (if any). */
  KafkaClients clients(String bootstrapServers) {
    return KafkaClients.fromFile(bootstrapServers, file);
  }
}
