package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.serve.ModelSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away twice while records stream through a running pipeline (trainer and server in
 * one child JVM, started once): first stopped cleanly (SIGTERM), then killed (SIGKILL), each time
 * restarted on the same data directory and port after a few seconds, longer than the pipeline's
 * producer timeouts. The pipeline reconnects by itself, replacing the stream threads the timeouts
 * killed; every training sample is learned exactly once (the bits equal an undisturbed run's) and
 * every prediction request is answered.
 */
class BrokerRestartTest {

  private static final int RECORDS = 8_000;
  private static final Duration OUTAGE = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void shouldTrainEachSampleOnceAndAnswerEveryRequestWhenBrokerRestartsMidStream()
      throws Exception {
    int port = freePort();
    String bootstrap = EmbeddedKafka.HOST + ":" + port;
    Path brokerDir = dir.resolve("broker");
    createOnePartitionSamplesTopic(port, brokerDir);
    ChildJvm broker = startBroker(port, brokerDir, 0);
    ChildJvm pipeline = null;
    Thread producer = null;
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> produceFailure = new AtomicReference<>();
    try {
      List<String> args =
          new ArrayList<>(
              FaultFixture.runArgs(bootstrap, dir.resolve("pipeline"), "restart", Role.ALL, "p"));
      // Producer timeouts shorter than every outage below, so that each outage outlasts them, as
      // one of over two minutes would with the defaults: records in flight then fail, which kills
      // the stream threads that sent them, and the pipeline must replace them.
      args.addAll(
          List.of(
              "--streams-config", "producer.delivery.timeout.ms=3000",
              "--streams-config", "producer.request.timeout.ms=2000"));
      pipeline =
          ChildJvm.start("pipeline", dir, args).awaitOutput("running;", Duration.ofSeconds(90));
      producer =
          new Thread(
              () -> FaultFixture.produce(bootstrap, RECORDS, 100, 250, acked, produceFailure),
              "producer");
      producer.start();

      FaultFixture.awaitTrained(bootstrap, 1, Duration.ofSeconds(60));
      broker.stop(Duration.ofSeconds(30));
      Thread.sleep(OUTAGE.toMillis());
      broker = startBroker(port, brokerDir, 1);

      long trainedBeforeKill = FaultFixture.latestSnapshot(bootstrap).samplesTrained();
      FaultFixture.awaitTrained(bootstrap, trainedBeforeKill + 400, Duration.ofSeconds(60));
      broker.kill();
      Thread.sleep(OUTAGE.toMillis());
      broker = startBroker(port, brokerDir, 2);

      producer.join();
      assertNull(produceFailure.get(), "the test's producer failed");
      assertEquals(RECORDS, acked.get());
      assertEachKeyOnce(bootstrap);
      long training = FaultFixture.trainingRecords(RECORDS);
      ModelSnapshot disturbed;
      Map<String, Integer> answers;
      try {
        disturbed = FaultFixture.awaitAllLearned(bootstrap, 0, training, Duration.ofSeconds(90));
        answers =
            FaultFixture.awaitAnswers(
                bootstrap, FaultFixture.requestKeys(RECORDS), Duration.ofSeconds(60));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; pipeline's output:\n" + pipeline.tail(), e);
      }
      assertTrue(pipeline.isAlive(), "the pipeline process still runs:\n" + pipeline.tail());

      ModelSnapshot undisturbed =
          FaultFixture.undisturbedRun(bootstrap, dir.resolve("reference"), training);
      assertEquals(FaultFixture.requestKeys(RECORDS), answers.keySet());
      assertEquals(undisturbed.samplesTrained(), disturbed.samplesTrained());
      assertEquals(undisturbed.version(), disturbed.version());
      assertArrayEquals(undisturbed.normalizer(), disturbed.normalizer(), "normalizer statistics");
      assertArrayEquals(undisturbed.network(), disturbed.network(), "model bits");
    } finally {
      if (producer != null) {
        producer.interrupt();
        producer.join();
      }
      if (pipeline != null) {
        pipeline.close();
      }
      broker.close();
    }
  }

  /**
   * Formats the broker's data directory in this JVM and creates the samples topic with one
   * partition (the pipeline creates the other topics): the trainer then reads records in the
   * topic's order, the same in the undisturbed run, which is what bit equality needs.
   */
  private static void createOnePartitionSamplesTopic(int port, Path brokerDir) throws Exception {
    try (EmbeddedKafka first = EmbeddedKafka.start(port, brokerDir)) {
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        admin.createTopics(List.of(new NewTopic(Topics.SAMPLES, 1, (short) 1))).all().get();
      }
    }
  }

  /** The {@code broker} command on {@code port} and {@code brokerDir}, ready. */
  private ChildJvm startBroker(int port, Path brokerDir, int life) throws Exception {
    ChildJvm broker =
        ChildJvm.start(
            "broker-" + life,
            dir,
            List.of(
                "broker", "--port", Integer.toString(port), "--data-dir", brokerDir.toString()));
    try {
      return broker.awaitOutput("broker ready on", Duration.ofSeconds(60));
    } catch (AssertionError | InterruptedException e) {
      broker.close();
      throw e;
    }
  }

  /** The samples topic holds each record of the stream once (the producer is idempotent). */
  private static void assertEachKeyOnce(String bootstrap) {
    Set<String> keys = new HashSet<>();
    long records = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrap)) {
      TopicPartition partition = new TopicPartition(Topics.SAMPLES, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          keys.add(new String(r.key(), StandardCharsets.UTF_8));
          records++;
        }
      }
    }
    assertEquals(RECORDS, records, "records in the samples topic");
    assertEquals(RECORDS, keys.size(), "distinct keys in the samples topic");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(EmbeddedKafka.HOST), 0));
      return socket.getLocalPort();
    }
  }
}
