package io.kafkamlp.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker against real clients: one broker for the class, restarted once on the same
 * data directory by the last test (the tests run in order: the restart reads what the first ones
 * wrote).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String TOPIC = "embedded-kafka-test";
  private static final String TX_TOPIC = "embedded-kafka-test-tx";
  private static final String GROUP = "embedded-kafka-test-group";
  private static final int RECORDS = 100;

  @TempDir static Path dataDir;

  private static EmbeddedKafka broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.start(0, dataDir);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void shouldListenOnAFreePortOfLocalhostWhenPortIsZero() {
    // Then
    assertTrue(broker.port() > 0);
    assertEquals("127.0.0.1:" + broker.port(), broker.bootstrapServers());
    assertEquals(dataDir.toAbsolutePath(), broker.dataDir());
    assertTrue(Files.isRegularFile(dataDir.resolve("meta.properties")));
  }

  @Test
  @Order(2)
  void shouldCreateTheDeclaredTopicsWhenReplicationIsCappedToOneBroker() {
    try (Admin admin = admin()) {
      // When
      Set<String> created =
          Topics.createMissingCappedToBrokers(admin, TopicDeclaration.load(), TIMEOUT);

      // Then
      assertEquals(
          Set.of(Topics.SAMPLES, Topics.PREDICTIONS, Topics.DLQ, Topics.SNAPSHOTS), created);
    }
  }

  @Test
  @Order(3)
  void shouldConsumeProducedRecordsInAConsumerGroupAndCommitOffsets() throws Exception {
    // Given
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
      }
      producer.flush();
    }

    // When
    List<String> values;
    try (KafkaConsumer<String, String> consumer = consumer(GROUP, Map.of())) {
      consumer.subscribe(List.of(TOPIC));
      values = poll(consumer, RECORDS);
      consumer.commitSync();
    }

    // Then
    assertEquals(expectedValues(), new TreeSet<>(values));
    assertEquals(RECORDS, committed(GROUP));
  }

  @Test
  @Order(4)
  void shouldDeliverATransactionOnCommitToReadCommittedConsumers() throws Exception {
    // Given
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(TX_TOPIC, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    // When
    try (KafkaProducer<String, String> producer =
        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test-tx"))) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(TX_TOPIC, "k" + i, "tx" + i));
      }
      producer.commitTransaction();
    }

    // Then
    try (KafkaConsumer<String, String> consumer =
        consumer(
            "embedded-kafka-test-tx-group",
            Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      consumer.subscribe(List.of(TX_TOPIC));
      assertEquals(10, poll(consumer, 10).size());
    }
  }

  @Test
  @Order(5)
  void shouldKeepRecordsAndOffsetsWhenRestartedOnTheSameDataDir() {
    // Given
    broker.close();

    // When
    broker = EmbeddedKafka.start(0, dataDir);

    // Then
    assertEquals(RECORDS, committed(GROUP));
    try (KafkaConsumer<String, String> consumer = consumer("after-restart", Map.of())) {
      consumer.subscribe(List.of(TOPIC));
      assertEquals(expectedValues(), new TreeSet<>(poll(consumer, RECORDS)));
    }
    try (Admin admin = admin()) {
      assertEquals(
          Set.of(),
          Topics.createMissingCappedToBrokers(admin, TopicDeclaration.load(), TIMEOUT),
          "the declared topics survived the restart");
    }
  }

  private static Set<String> expectedValues() {
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < RECORDS; i++) {
      expected.add("v" + i);
    }
    return expected;
  }

  private static long committed(String group) {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    } catch (Exception e) {
      throw new AssertionError("cannot list the offsets of group " + group, e);
    }
  }

  private static List<String> poll(KafkaConsumer<String, String> consumer, int count) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (values.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        values.add(record.value());
      }
    }
    return values;
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(extra);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String group, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(extra);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }
}
