package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.serve.ModelSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer in a child JVM, killed with SIGKILL at random moments while records arrive, ends with
 * the bits of a trainer that was never killed, having learned every sample exactly once. The
 * stream, the model and the trainer's settings are {@link FaultFixture}'s.
 */
class CrashRecoveryTest {

  private static final int RECORDS = 12_000;

  private static EmbeddedKafka broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafka.start(0, null);
    // One input partition: the order in which records reach the trainer is then the topic's
    // order, the same for every run, which is what determinism is promised for.
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(Topics.SAMPLES, 1, (short) 1))).all().get();
    }
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldEndWithBitsOfUninterruptedRunWhenKilledRepeatedly() throws Exception {
    // RECORDS records over about 36 s, 100 every 300 ms
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () ->
                FaultFixture.produce(broker.bootstrapServers(), RECORDS, 100, 300, acked, failure),
            "slow-producer");
    producer.start();
    Rng rng = new Rng(2026);
    List<Long> trainedAtKill = new ArrayList<>();
    ChildJvm first = null;
    long trainingRecords = FaultFixture.trainingRecords(RECORDS);
    for (int life = 0; life < 4; life++) {
      ChildJvm trainer = startChild(life);
      first = first == null ? trainer : first;
      // Killed a random 0-4 s after this life has learned something (or once all is learned):
      // under load a JVM takes a while to start, and a fixed delay could kill it before that.
      long before = trainedAtKill.isEmpty() ? 0 : trainedAtKill.get(trainedAtKill.size() - 1);
      try {
        awaitTrainedMore(before, trainingRecords, trainer);
        Thread.sleep(rng.nextInt(4000));
      } finally {
        trainer.kill();
      }
      trainedAtKill.add(FaultFixture.seen(FaultFixture.latestSnapshot(broker.bootstrapServers())));
    }
    producer.join();
    assertEquals(null, failure.get(), "producer failure");
    assertEquals(RECORDS, acked.get());
    ModelSnapshot killed;
    try (ChildJvm last = startChild(4)) {
      try {
        killed =
            FaultFixture.awaitAllLearned(
                broker.bootstrapServers(), 0, trainingRecords, Duration.ofSeconds(120));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last trainer's output:\n" + last.tail(), e);
      }
    }

    long referenceStart = FaultFixture.snapshotsEnd(broker.bootstrapServers());
    Pipeline reference =
        new Pipeline(
            broker.bootstrapServers(),
            Map.of("default", FaultFixture.SPEC),
            FaultFixture.SETTINGS,
            "reference",
            dir.resolve("reference"));
    ModelSnapshot uninterrupted =
        FaultFixture.awaitAllLearned(
            broker.bootstrapServers(), referenceStart, trainingRecords, Duration.ofSeconds(120));
    reference.stop();

    assertTrue(
        trainedAtKill.stream().filter(n -> n > 0 && n < trainingRecords).distinct().count() >= 2,
        "killed at least twice while training was under way: "
            + trainedAtKill
            + "; first trainer's output:\n"
            + first.tail());
    assertEquals(uninterrupted.samplesTrained(), killed.samplesTrained());
    assertEquals(uninterrupted.version(), killed.version());
    assertArrayEquals(uninterrupted.normalizer(), killed.normalizer(), "normalizer statistics");
    assertArrayEquals(uninterrupted.network(), killed.network(), "model bits");
  }

  /**
   * Waits until a committed snapshot has seen more than {@code before} training records, or all
   * {@code trainingRecords} of them.
   */
  private static void awaitTrainedMore(long before, long trainingRecords, ChildJvm trainer)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      long seen = FaultFixture.seen(FaultFixture.latestSnapshot(broker.bootstrapServers()));
      if (seen > before || seen == trainingRecords) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no more than "
            + before
            + " training records seen in 90 s; trainer's output:\n"
            + trainer.tail());
  }

  /** The trainer, as a user runs it, in its own JVM. */
  private ChildJvm startChild(int life) throws Exception {
    return ChildJvm.start(
        "child-" + life,
        dir,
        FaultFixture.runArgs(
            broker.bootstrapServers(), dir.resolve("crash"), "crash", Role.ALL, "crash-" + life));
  }
}
