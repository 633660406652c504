package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.SampleRouter;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.ValidationSplit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole pipeline against a real (embedded) Kafka broker. */
class EndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelSpec SPEC =
      ModelSpec.defaults().with("layers", "4,16,3").withBatchSize(8).with("lr", "0.01");
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(0.1, 0, 20, 10, Duration.ofSeconds(2), 10, Duration.ofSeconds(1));

  private static EmbeddedKafka broker; // one per test

  @TempDir Path stateDir;

  /** A fresh broker per test: each test creates its topics with its own partition counts. */
  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafka.start(0, null);
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  /** 3 classes in 4 features: the label's feature is raised by 6 over unit noise. */
  private static Sample sample(Rng rng, boolean labeled, int[] labelOut) {
    int label = rng.nextInt(3);
    float[] x = new float[4];
    for (int j = 0; j < 4; j++) {
      x[j] = (float) (100 + 20 * rng.nextGaussian() * 0.1 + (j == label ? 6 : 0));
    }
    labelOut[0] = label;
    return labeled
        ? new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {label})
        : new Sample(Sample.DEFAULT_MODEL, x, TargetKind.NONE, new float[0]);
  }

  /**
   * With the default one-partition samples topic the router hands records straight to the trainer;
   * with three (created beforehand, as a user scaling out serving would), the trainer repartitions
   * them by model name. Either way every training record is learned once.
   */
  @ParameterizedTest(name = "samples with {0} partition(s)")
  @ValueSource(ints = {1, 3})
  void shouldLearnFromStreamAndServePredictionsWhenRunAgainstRealBroker(int partitions)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(Topics.SAMPLES, partitions, (short) 1))).all().get();
    }
    Pipeline pipeline =
        new Pipeline(
            broker.bootstrapServers(),
            Map.of("default", SPEC),
            SETTINGS,
            "e2e",
            stateDir,
            Map.of(),
            0);
    Rng rng = new Rng(11);
    int[] label = new int[1];
    ValidationSplit split = new ValidationSplit(SETTINGS.validationFraction());
    long training = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < 3000; i++) {
        byte[] key = ("train-" + i).getBytes(StandardCharsets.UTF_8);
        Sample s = sample(rng, true, label);
        byte[] value = i % 2 == 0 ? SampleCodec.toJson(s) : SampleCodec.toBinary(s);
        producer.send(new ProducerRecord<>(Topics.SAMPLES, key, value));
        training += split.isValidation(key) ? 0 : 1;
      }
      producer.send(record("bad-1", "{\"features\":[1,2,3],\"label\":0}"));
      producer.send(record("bad-2", "not json at all"));
      producer.send(record("bad-3", "{\"features\":[1,2,3,4],\"label\":9}"));
      producer.flush();
    }
    long expectedTrained = training / SPEC.batchSize() * SPEC.batchSize();

    ModelSnapshot last =
        awaitSnapshot(s -> s.samplesTrained() == expectedTrained, Duration.ofSeconds(90));

    assertTrue(last.metrics().cumulativePrequentialAccuracy() > 0.8, last.metrics().toString());
    assertTrue(last.metrics().validationAccuracy() > 0.9, last.metrics().toString());
    Map<String, Integer> truth = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < 300; i++) {
        Sample s = sample(rng, false, label);
        truth.put("test-" + i, label[0]);
        producer.send(
            new ProducerRecord<>(
                Topics.SAMPLES,
                ("test-" + i).getBytes(StandardCharsets.UTF_8),
                SampleCodec.toJson(s)));
      }
    }
    List<JsonNode> answers =
        consume(Topics.PREDICTIONS, 300, Duration.ofSeconds(60)).stream()
            .map(r -> parse(r.value()))
            .toList();
    int correct = 0;
    for (JsonNode answer : answers) {
      correct += answer.get("predicted").asInt() == truth.get(answer.get("id").asText()) ? 1 : 0;
      assertTrue(answer.get("modelVersion").asLong() > 0);
    }
    assertTrue(correct >= 0.9 * 300, "test accuracy " + correct + "/300");

    List<ConsumerRecord<byte[], byte[]>> dead = consume(Topics.DLQ, 3, Duration.ofSeconds(30));
    assertEquals(3, dead.size());
    for (ConsumerRecord<byte[], byte[]> record : dead) {
      assertTrue(record.headers().lastHeader(SampleRouter.REASON_HEADER) != null);
    }

    String scrape = get(pipeline.metricsPort(), "/metrics");
    for (String series :
        List.of(
            "mlp_training_loss{model=\"default\"}",
            "mlp_prequential_accuracy{model=\"default\"}",
            "mlp_validation_accuracy{model=\"default\"}",
            "mlp_update_ratio{layer=\"dense0\",model=\"default\"}",
            "mlp_dead_relu_ratio{layer=\"dense0\",model=\"default\"}",
            "mlp_activation_bucket{layer=\"dense1\",model=\"default\",le=\"0.0\"}",
            "mlp_gradient_bucket{layer=\"dense0\",model=\"default\",le=\"0.0\"}",
            "mlp_samples_trained_total{model=\"default\"} " + expectedTrained,
            "mlp_samples_rejected_total{reason=",
            "mlp_predictions_total{model=\"default\",status=\"predicted\"} 300",
            "mlp_prediction_latency_seconds_bucket",
            "mlp_train_step_seconds_bucket",
            "kafka_consumer_fetch_manager_records_lag",
            "jvm_memory_used_bytes")) {
      assertTrue(scrape.contains(series), "no " + series + " in /metrics");
    }
    java.awt.image.BufferedImage image =
        javax.imageio.ImageIO.read(
            new java.net.URL(
                "http://127.0.0.1:" + pipeline.metricsPort() + "/weights/default/layer0.png"));
    int[] size = io.kafkamlp.metrics.WeightImage.size(4, 16);
    assertEquals(size[0], image.getWidth());
    assertEquals(size[1], image.getHeight());

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      boolean repartitioned =
          admin.listTopics().names().get().contains("e2e-trainer-by-model-repartition");
      assertEquals(partitions > 1, repartitioned, "a repartition topic with samples partitions");
    }

    long beforeStop = snapshotsEnd();
    long stoppedAt = System.currentTimeMillis();
    pipeline.stop();
    ModelSnapshot finalSnapshot =
        snapshotsFrom(beforeStop).get(snapshotsFrom(beforeStop).size() - 1);
    assertTrue(finalSnapshot.createdAtMillis() >= stoppedAt, "a snapshot published on stop");
    assertEquals(expectedTrained / SPEC.batchSize(), finalSnapshot.version());
    assertEquals(expectedTrained, finalSnapshot.samplesTrained());

    Path exported = stateDir.resolve("model.json");
    int code =
        quiet()
            .execute(
                "export",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--model",
                "default",
                "--out",
                exported.toString());
    JsonNode model = JSON.readTree(exported.toFile());
    assertEquals(0, code);
    assertEquals(finalSnapshot.version(), model.get("version").asLong());
    assertEquals("dense0.W", model.get("parameters").get(0).get("name").asText());
    assertEquals(4 * 16, model.get("parameters").get(0).get("values").size());
    assertEquals(training, model.get("normalizer").get("count").asLong());
  }

  /**
   * Requests whose timestamps are 3 s old look answered 3 s late: the training thread yields to the
   * server (at most half the time), and learns every record all the same.
   */
  @Test
  void shouldYieldTrainingToAServerAnsweringLateAndStillLearnEveryRecord() throws Exception {
    Pipeline pipeline =
        new Pipeline(
            broker.bootstrapServers(),
            Map.of("default", SPEC),
            SETTINGS,
            "yield",
            stateDir,
            Map.of(),
            0);
    Rng rng = new Rng(12);
    int[] label = new int[1];
    ValidationSplit split = new ValidationSplit(SETTINGS.validationFraction());
    AtomicBoolean trained = new AtomicBoolean();
    long training = 0;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      Thread requests =
          new Thread(
              () -> {
                Rng requestRng = new Rng(13);
                for (int i = 0; !trained.get(); i++) {
                  producer.send(
                      new ProducerRecord<>(
                          Topics.SAMPLES,
                          null,
                          System.currentTimeMillis() - 3_000,
                          ("late-" + i).getBytes(StandardCharsets.UTF_8),
                          SampleCodec.toBinary(sample(requestRng, false, new int[1]))));
                  producer.flush();
                  LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
              },
              "late-requests");
      requests.start();
      try {
        for (int i = 0; i < 3000; i++) {
          byte[] key = ("train-" + i).getBytes(StandardCharsets.UTF_8);
          producer.send(
              new ProducerRecord<>(
                  Topics.SAMPLES, key, SampleCodec.toBinary(sample(rng, true, label))));
          training += split.isValidation(key) ? 0 : 1;
          if (i % 100 == 99) {
            producer.flush();
            Thread.sleep(50); // a stream over 1.5 s, not one burst
          }
        }
        long expectedTrained = training / SPEC.batchSize() * SPEC.batchSize();
        awaitSnapshot(s -> s.samplesTrained() == expectedTrained, Duration.ofSeconds(90));
      } finally {
        trained.set(true);
        requests.join();
      }
    }

    String scrape = get(pipeline.metricsPort(), "/metrics");
    double yielded =
        scrape
            .lines()
            .filter(line -> line.startsWith("mlp_training_yielded_seconds_total{"))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    assertTrue(yielded > 0, "the training thread yielded: " + yielded + " s");
    assertTrue(
        scrape.contains("mlp_predictions_total{model=\"default\",status=\"predicted\"}"),
        "the late requests were answered");
    pipeline.stop();
  }

  @Test
  void shouldLoadCsvIntoTopicWhenProducing() throws Exception {
    Path csv = stateDir.resolve("data.csv");
    java.nio.file.Files.writeString(csv, "a,b,c,label\n1,2,3,0\n4,5,6,1\n7,8,9,2\n");
    String topic = "produce-test";
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }

    int code =
        quiet()
            .execute(
                "produce",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                topic,
                "--csv",
                csv.toString());

    assertEquals(0, code);
    List<ConsumerRecord<byte[], byte[]>> records = consume(topic, 3, Duration.ofSeconds(20));
    assertEquals(3, records.size());
    assertEquals("data.csv-1", new String(records.get(1).key(), StandardCharsets.UTF_8));
    Sample second = SampleCodec.parse(records.get(1).value());
    assertEquals(1, second.label());
    assertEquals(5f, second.features()[1]);
  }

  private static String get(int port, String path) throws java.io.IOException {
    try (var in = new java.net.URL("http://127.0.0.1:" + port + path).openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The command line, its output kept from the test's stdout. */
  private static picocli.CommandLine quiet() {
    picocli.CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    return cli;
  }

  private static long snapshotsEnd() {
    try (KafkaConsumer<byte[], byte[]> consumer =
        Pipeline.committedReader(broker.bootstrapServers())) {
      var partition = new org.apache.kafka.common.TopicPartition(Topics.SNAPSHOTS, 0);
      return consumer.endOffsets(List.of(partition)).get(partition);
    }
  }

  /** Every committed snapshot from {@code offset} to the current end. */
  private static List<ModelSnapshot> snapshotsFrom(long offset) {
    List<ModelSnapshot> snapshots = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        Pipeline.committedReader(broker.bootstrapServers())) {
      var partition = new org.apache.kafka.common.TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seek(partition, offset);
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(r -> snapshots.add(ModelSnapshot.fromBytes(r.value())));
      }
    }
    return snapshots;
  }

  private static ProducerRecord<byte[], byte[]> record(String key, String value) {
    return new ProducerRecord<>(
        Topics.SAMPLES,
        key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode parse(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Reads the topic from the start until {@code count} records or the timeout. */
  private static List<ConsumerRecord<byte[], byte[]>> consume(
      String topic, int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        Pipeline.committedReader(broker.bootstrapServers())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** The first snapshot that satisfies the condition, reading the topic from the start. */
  private static ModelSnapshot awaitSnapshot(Predicate<ModelSnapshot> condition, Duration timeout) {
    ModelSnapshot latest = null;
    try (KafkaConsumer<byte[], byte[]> consumer =
        Pipeline.committedReader(broker.bootstrapServers())) {
      var partition = new org.apache.kafka.common.TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          latest = ModelSnapshot.fromBytes(r.value());
          if (condition.test(latest)) {
            return latest;
          }
        }
      }
    }
    throw new AssertionError("no snapshot met the condition in " + timeout + "; last " + latest);
  }
}
