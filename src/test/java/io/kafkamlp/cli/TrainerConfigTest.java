package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.train.TrainingRoute;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's commit interval by route, and a transaction timeout that Kafka Streams accepts with
 * it: above the interval in force, the user's own or kafka-mlp's.
 */
class TrainerConfigTest {

  private static final String COMMIT = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
  private static final String TIMEOUT = "producer.transaction.timeout.ms";

  @TempDir Path dir;

  private Properties config(TrainingRoute route, Map<String, String> streamsConfig) {
    Properties props =
        Pipeline.trainerConfig(
            KafkaClients.plain("localhost:9092"),
            SampleLimits.DEFAULTS,
            streamsConfig,
            "app-trainer",
            dir,
            route);
    new StreamsConfig(props); // throws if the transaction timeout is under the commit interval
    return props;
  }

  private static long millis(Properties props, String key) {
    return Long.parseLong(props.get(key).toString());
  }

  @Test
  void shouldCommitEveryTenSecondsWhenRecordsComeStraightToTheTrainer() {
    Properties props = config(TrainingRoute.DIRECT, Map.of());

    assertEquals(10_000, millis(props, COMMIT));
    assertEquals(15_000, millis(props, TIMEOUT), "the interval and 5 s for the commit itself");
  }

  @Test
  void shouldCommitEveryThreeSecondsWhenACommitReleasesRoutedRecords() {
    Properties props = config(TrainingRoute.BY_MODEL, Map.of());

    assertEquals(3_000, millis(props, COMMIT));
    assertEquals(10_000, millis(props, TIMEOUT), "Kafka Streams' own default, at least");
  }

  @Test
  void shouldFollowTheUsersCommitIntervalWithTheTransactionTimeout() {
    Properties props = config(TrainingRoute.DIRECT, Map.of(COMMIT, "30000"));

    assertEquals(30_000, millis(props, COMMIT));
    assertEquals(35_000, millis(props, TIMEOUT));
  }

  @Test
  void shouldKeepTheUsersTransactionTimeout() {
    Properties props = config(TrainingRoute.DIRECT, Map.of(TIMEOUT, "45000"));

    assertEquals(10_000, millis(props, COMMIT));
    assertEquals(45_000, millis(props, TIMEOUT));
  }
}
