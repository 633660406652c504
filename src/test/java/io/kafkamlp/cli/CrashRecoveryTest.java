package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.ValidationSplit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer in a child JVM, killed with SIGKILL at random moments while records arrive, ends with
 * the bits of a trainer that was never killed, having learned every sample exactly once.
 */
class CrashRecoveryTest {

  private static final int FEATURES = 16;
  private static final int CLASSES = 4;
  private static final int RECORDS = 12_000;
  private static final String[] MODEL_OPTIONS = {
    "--layers",
    FEATURES + ",32,16," + CLASSES,
    "--batch-size",
    "8",
    "--lr",
    "0.01",
    "--dropout",
    "0.1",
    "--batch-norm"
  };
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(0.1, 0, 20, 5, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));

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
    Thread producer = new Thread(CrashRecoveryTest::produceSlowly, "slow-producer");
    producer.start();
    Rng rng = new Rng(2026);
    List<Long> trainedAtKill = new ArrayList<>();
    for (int life = 0; life < 4; life++) {
      Process trainer = startChild(life);
      Thread.sleep(14_000 + rng.nextInt(6000));
      trainer.destroyForcibly().waitFor();
      ModelSnapshot latest = FaultFixture.latestSnapshot(broker.bootstrapServers());
      trainedAtKill.add(latest == null ? 0 : latest.samplesTrained());
    }
    producer.join();
    Process last = startChild(4);
    long trainingRecords = trainingRecords();
    ModelSnapshot killed;
    try {
      killed =
          FaultFixture.awaitAllLearned(
              broker.bootstrapServers(), 0, trainingRecords, Duration.ofSeconds(120));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; last trainer's output:\n" + tail(dir.resolve("child-4.log")), e);
    } finally {
      last.destroyForcibly().waitFor();
    }

    ModelSpec spec =
        ModelSpec.defaults()
            .with(
                new Properties() {
                  {
                    for (int i = 0; i < MODEL_OPTIONS.length; i += 2) {
                      if (MODEL_OPTIONS[i].equals("--batch-norm")) {
                        setProperty("batch-norm", "true");
                        i--;
                      } else {
                        setProperty(MODEL_OPTIONS[i].substring(2), MODEL_OPTIONS[i + 1]);
                      }
                    }
                  }
                });
    long referenceStart = FaultFixture.snapshotsEnd(broker.bootstrapServers());
    Pipeline reference =
        new Pipeline(
            broker.bootstrapServers(),
            Map.of("default", spec),
            SETTINGS,
            "reference",
            dir.resolve("reference"));
    ModelSnapshot uninterrupted =
        FaultFixture.awaitAllLearned(
            broker.bootstrapServers(), referenceStart, trainingRecords, Duration.ofSeconds(120));
    reference.stop();

    assertTrue(
        trainedAtKill.stream().distinct().filter(n -> n > 0).count() >= 2,
        "killed at least twice while training was under way: "
            + trainedAtKill
            + "; first trainer's output:\n"
            + tail(dir.resolve("child-0.log")));
    assertEquals(uninterrupted.samplesTrained(), killed.samplesTrained());
    assertEquals(uninterrupted.version(), killed.version());
    assertArrayEquals(uninterrupted.normalizer(), killed.normalizer(), "normalizer statistics");
    assertArrayEquals(uninterrupted.network(), killed.network(), "model bits");
  }

  /** RECORDS labeled samples over about 36 s, 100 every 300 ms, seeded. */
  private static void produceSlowly() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    Rng rng = new Rng(7);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        int label = rng.nextInt(CLASSES);
        float[] x = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
          x[j] = (float) (rng.nextGaussian() + (j % CLASSES == label ? 2 : 0));
        }
        Sample s = new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {label});
        producer.send(new ProducerRecord<>(Topics.SAMPLES, key(i), SampleCodec.toBinary(s)));
        if (i % 100 == 99) {
          Thread.sleep(300);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static byte[] key(int i) {
    return ("s-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static long trainingRecords() {
    ValidationSplit split = new ValidationSplit(SETTINGS.validationFraction());
    long n = 0;
    for (int i = 0; i < RECORDS; i++) {
      n += split.isValidation(key(i)) ? 0 : 1;
    }
    return n;
  }

  /** The trainer, as a user runs it, in its own JVM. */
  private Process startChild(int life) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KafkaMlp.class.getName());
    command.add("run");
    command.addAll(
        List.of(
            "--bootstrap-servers", broker.bootstrapServers(),
            "--data-dir", dir.resolve("crash").toString(),
            "--application-id", "crash",
            "--validation-fraction", "0.1",
            "--window-batches", "20",
            "--checkpoint-batches", "5",
            "--checkpoint-seconds", "1",
            "--snapshot-batches", "1",
            "--snapshot-seconds", "1",
            "--metrics-port", "0",
            // A killed member leaves the group only when its session times out: keep that short.
            "--streams-config", "consumer.session.timeout.ms=6000",
            "--streams-config", "consumer.heartbeat.interval.ms=1000"));
    command.addAll(List.of(MODEL_OPTIONS));
    Path log = dir.resolve("child-" + life + ".log");
    Files.createDirectories(dir);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
