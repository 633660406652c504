package io.kafkamlp.bench;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the benchmark gets its Kafka Streams config: the very settings the pipeline's trainer runs
 * with (the command line passes {@code Pipeline}'s), so that the Kafka limit it measures is the
 * limit of the pipeline's own settings.
 */
@FunctionalInterface
public interface StreamsConfigSource {

  /**
   * A complete Kafka Streams config for one application.
   *
   * @param stateDir the application's state directory
   */
  Properties config(String bootstrapServers, String applicationId, Path stateDir);
}
