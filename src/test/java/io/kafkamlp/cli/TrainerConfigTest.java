package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.bench.Passthrough;
import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.train.TrainingRoute;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's commit interval by route, and a transaction timeout that Kafka Streams accepts with
 * it: above the interval in force, the user's own or kafka-mlp's; the bench's passthrough topic
 * sized for the trainer's batches.
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

  /**
   * The bench's passthrough, which measures Kafka's limit with these settings, writes its copies to
   * a topic that takes the trainer producer's largest batch whole (with the broker's 1 MiB default
   * the 2 MiB batches were refused, split and sent again).
   */
  @Test
  void shouldLetThePassthroughsOutputTakeTheTrainersLargestBatch() {
    Properties props = BenchCommand.trainerConfig().config("localhost:9092", "app-trainer", dir);

    TopicDeclaration output = Passthrough.outputTopic(Passthrough.largestRequest(props));

    long batch = millis(props, StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG));
    long request =
        millis(props, StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    long accepted = Long.parseLong(output.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
    assertEquals(2 * 1024 * 1024, batch);
    assertTrue(accepted >= batch && accepted >= request, accepted + " bytes");
    assertEquals("LogAppendTime", output.configs().get("message.timestamp.type"));
  }

  @Test
  void shouldKeepTheUsersTransactionTimeout() {
    Properties props = config(TrainingRoute.DIRECT, Map.of(TIMEOUT, "45000"));

    assertEquals(10_000, millis(props, COMMIT));
    assertEquals(45_000, millis(props, TIMEOUT));
  }
}
