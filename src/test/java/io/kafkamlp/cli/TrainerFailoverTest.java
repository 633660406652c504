package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.serve.ModelSnapshot;
import java.nio.file.Path;
import java.time.Duration;
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
 * Two trainer processes ({@code run --role trainer}, one application id, each its own state
 * directory) share the trainer application; the one training the model is killed with SIGKILL while
 * records stream in. Its task moves to the survivor, which has no local state for it and restores
 * the model from the changelogs (checkpoint plus replay log): no sample is learned twice or lost,
 * and the final bits equal those of an undisturbed run.
 */
class TrainerFailoverTest {

  private static final int RECORDS = 8_000;
  private static final String APPLICATION_ID = "failover";
  private static final String GROUP = APPLICATION_ID + "-trainer";

  /** With one samples partition the model's task reads samples itself (no repartition topic). */
  private static final String TRAINER_INPUT = Topics.SAMPLES;

  private static EmbeddedKafka broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafka.start(0, null);
    // One samples partition, as by default: the trainer then reads records in the topic's order,
    // the same in the undisturbed run, which is what bit equality needs.
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
  void shouldMoveModelToSurvivorAndEndWithUndisturbedBitsWhenTrainerKilled() throws Exception {
    String bootstrap = broker.bootstrapServers();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> produceFailure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> FaultFixture.produce(bootstrap, RECORDS, 100, 250, acked, produceFailure),
            "producer");
    try (ChildJvm a = trainer("trainer-a");
        ChildJvm b = trainer("trainer-b")) {
      a.awaitOutput("running;", Duration.ofSeconds(90));
      b.awaitOutput("running;", Duration.ofSeconds(90));
      producer.start();
      FaultFixture.awaitTrained(bootstrap, 400, Duration.ofSeconds(60));

      String owner = FaultFixture.owners(bootstrap, GROUP, TRAINER_INPUT).get(0);
      assertTrue(owner != null, "the model's task has an owner");
      ChildJvm victim = owner.equals("trainer-a") ? a : b;
      ChildJvm survivor = victim == a ? b : a;
      String survivorName = victim == a ? "trainer-b" : "trainer-a";
      victim.kill();
      long trainedAtKill = FaultFixture.latestSnapshot(bootstrap).samplesTrained();

      FaultFixture.awaitOwners(
          bootstrap, GROUP, TRAINER_INPUT, Map.of(0, survivorName), Duration.ofSeconds(60));
      producer.join();
      assertNull(produceFailure.get(), "the test's producer failed");
      assertEquals(RECORDS, acked.get());
      long training = FaultFixture.trainingRecords(RECORDS);
      ModelSnapshot survived;
      try {
        survived = FaultFixture.awaitAllLearned(bootstrap, 0, training, Duration.ofSeconds(90));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; survivor's output:\n" + survivor.tail(), e);
      }
      assertTrue(survivor.isAlive(), "the survivor still runs:\n" + survivor.tail());

      ModelSnapshot undisturbed =
          FaultFixture.undisturbedRun(bootstrap, dir.resolve("reference"), training);
      assertTrue(
          trainedAtKill > 0 && trainedAtKill < training,
          "killed while training was under way: " + trainedAtKill + " of " + training);
      assertEquals(undisturbed.samplesTrained(), survived.samplesTrained());
      assertEquals(undisturbed.version(), survived.version());
      assertArrayEquals(undisturbed.normalizer(), survived.normalizer(), "normalizer statistics");
      assertArrayEquals(undisturbed.network(), survived.network(), "model bits");
    } finally {
      producer.interrupt();
      producer.join();
    }
  }

  private ChildJvm trainer(String name) throws Exception {
    return ChildJvm.start(
        name,
        dir,
        FaultFixture.runArgs(
            broker.bootstrapServers(), dir.resolve(name), APPLICATION_ID, Role.TRAINER, name));
  }
}
