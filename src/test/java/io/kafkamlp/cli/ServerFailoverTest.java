package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.train.ModelTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes ({@code run --role server}, one application id) share the four partitions of
 * a samples topic created with them; one is killed with SIGKILL while requests stream in. The
 * survivor takes its partitions over and keeps answering: every prediction request gets a
 * prediction from the model.
 *
 * <p>Some requests may be answered twice: the server is {@code at_least_once}, so the requests the
 * killed process answered after its last offset commit are answered again by the survivor. The test
 * allows duplicates and asserts that none is lost.
 */
class ServerFailoverTest {

  private static final int RECORDS = 8_000;
  private static final String APPLICATION_ID = "serve-failover";
  private static final String GROUP = APPLICATION_ID + "-server";

  private static EmbeddedKafka broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafka.start(0, null);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      // Four partitions, as a user spreading requests over several servers creates it beforehand.
      admin.createTopics(List.of(new NewTopic(Topics.SAMPLES, 4, (short) 1))).all().get();
      Topics.createMissingCappedToBrokers(admin, TopicDeclaration.load(), Duration.ofSeconds(30));
    }
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldAnswerEveryRequestWhenOneOfTwoServersKilled() throws Exception {
    String bootstrap = broker.bootstrapServers();
    publishSnapshot(bootstrap);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> produceFailure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> FaultFixture.produce(bootstrap, RECORDS, 100, 250, acked, produceFailure),
            "producer");
    try (ChildJvm a = server("server-a");
        ChildJvm b = server("server-b")) {
      a.awaitOutput("running;", Duration.ofSeconds(90));
      b.awaitOutput("running;", Duration.ofSeconds(90));
      Map<Integer, String> before = awaitBothServing(bootstrap, Duration.ofSeconds(60));
      producer.start();
      awaitAnswered(bootstrap, 100, Duration.ofSeconds(60));

      a.kill();
      FaultFixture.awaitOwners(
          bootstrap,
          GROUP,
          Topics.SAMPLES,
          Map.of(0, "server-b", 1, "server-b", 2, "server-b", 3, "server-b"),
          Duration.ofSeconds(60));
      producer.join();
      assertNull(produceFailure.get(), "the test's producer failed");
      assertEquals(RECORDS, acked.get());
      Set<String> requests = FaultFixture.requestKeys(RECORDS);
      Map<String, Integer> answers;
      try {
        answers = FaultFixture.awaitAnswers(bootstrap, requests, Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; survivor's output:\n" + b.tail(), e);
      }

      assertTrue(before.containsValue("server-a"), "server-a served partitions: " + before);
      assertEquals(requests, answers.keySet());
      assertTrue(b.isAlive(), "the survivor still runs:\n" + b.tail());
      assertEveryAnswerPredicted(bootstrap);
    } finally {
      producer.interrupt();
      producer.join();
    }
  }

  private ChildJvm server(String name) throws Exception {
    return ChildJvm.start(
        name,
        dir,
        FaultFixture.runArgs(
            broker.bootstrapServers(), dir.resolve(name), APPLICATION_ID, Role.SERVER, name));
  }

  /** An untrained model's snapshot: the servers answer with predictions, not no-model-yet. */
  private static void publishSnapshot(String bootstrap) {
    ModelTrainer model =
        new ModelTrainer(Sample.DEFAULT_MODEL, FaultFixture.SPEC, FaultFixture.SETTINGS);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              Topics.SNAPSHOTS,
              Sample.DEFAULT_MODEL.getBytes(StandardCharsets.UTF_8),
              model.snapshot(System.currentTimeMillis()).toBytes()));
    }
  }

  /** Waits until each server owns some of the four samples partitions; returns the owners. */
  private static Map<Integer, String> awaitBothServing(String bootstrap, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, String> owners = Map.of();
    while (System.nanoTime() < deadline) {
      owners = FaultFixture.owners(bootstrap, GROUP, Topics.SAMPLES);
      if (owners.size() == 4 && new HashSet<>(owners.values()).size() == 2) {
        return owners;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("samples partitions not shared by both servers: " + owners);
  }

  /** Waits until the predictions topic holds {@code count} answers. */
  private static void awaitAnswered(String bootstrap, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrap)) {
        long answered =
            consumer
                .endOffsets(FaultFixture.partitions(consumer, Topics.PREDICTIONS))
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .sum();
        if (answered >= count) {
          return;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("fewer than " + count + " answers in " + timeout);
  }

  /** Every answer came from the model (none says no-model-yet). */
  private static void assertEveryAnswerPredicted(String bootstrap) {
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrap)) {
      List<TopicPartition> partitions = FaultFixture.partitions(consumer, Topics.PREDICTIONS);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode answer = FaultFixture.parse(r.value());
          assertTrue(answer.has("predicted"), "an answer without a prediction: " + answer);
        }
      }
    }
  }
}
