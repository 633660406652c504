package io.kafkamlp.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.data.SyntheticStream;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.metrics.TrainingMetrics;
import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.ModelCodec;
import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.optim.OptimizerState;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.serve.SnapshotPredictor;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, numerical faults: models with absurd learning rates train beside a sane one in the real
 * trainer topology, with the real training metrics on a Prometheus registry. Their non-finite
 * batches are skipped and counted, their divergence is rolled back with a smaller learning rate
 * (both in the scrape text the NonFiniteBatches and TrainingDiverged alerts read), their state
 * stays finite and usable, and the sane model learns exactly what it learns alone.
 */
class ExplodingLearningRateTest {

  static final int FEATURES = 784;
  static final int CLASSES = 10;
  static final int RECORDS = 2_560;

  /** Batches of 8: 288 training batches per model from the stream. */
  static final ModelSpec SANE =
      ModelSpec.defaults().with("layers", "784,64,10").with("seed", "7").withBatchSize(8);

  /**
   * SGD at 1e6: the first update silences the ReLU layer or overflows the loss; without rollback
   * the model would be stuck there, predicting NaN. With it, it lands at 0.1 after 7 rollbacks.
   */
  static final ModelSpec EXPLODING = SANE.with("optimizer", "sgd").with("lr", "1e6");

  /** Adam at 1e39, infinite in float: every update overflows until rollbacks bring it down. */
  static final ModelSpec OVERFLOWING = SANE.with("lr", "1e39");

  /** 10% validation; checkpoints every 20 batches, snapshots every 10. */
  static final TrainerSettings SETTINGS =
      new TrainerSettings(0.1, 0, 10, 20, Duration.ofHours(1), 10, Duration.ofHours(1))
          .withTrainingQueue(0);

  @TempDir Path stateDir;

  @Test
  void shouldSkipCountAndStayFiniteWhenTheLearningRateExplodes() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainingMetrics metrics = new TrainingMetrics(prometheus, prometheus.getPrometheusRegistry());
    TrainerRegistry trainers = new TrainerRegistry();
    List<ModelSnapshot> snapshots;
    try (TopologyTestDriver driver =
        driver(
            Map.of("default", SANE, "exploding", EXPLODING, "overflowing", OVERFLOWING),
            trainers,
            metrics,
            "mixed")) {
      feed(driver, List.of("default", "exploding", "overflowing"));
      driver.advanceWallClockTime(Duration.ofSeconds(5)); // idle: the last state is published
      snapshots = snapshots(driver);
      trainers.beginShutdown(); // keep the trainers registered after the driver closes
    }
    ModelTrainer sane = trainers.trainers().get("default");
    ModelTrainer exploding = trainers.trainers().get("exploding");
    ModelTrainer overflowing = trainers.trainers().get("overflowing");
    String scrape = prometheus.scrape();

    // Skipped and counted: in the trainer, the model and the Prometheus counter.
    for (ModelTrainer t : List.of(exploding, overflowing)) {
      assertEquals(trainingBatches(t), t.model().step() + t.skippedBatches());
      assertEquals(t.skippedBatches(), t.model().skippedSteps());
      assertEquals(t.skippedBatches(), counterInScrape(scrape, SKIPPED, t.name()));
      assertEquals(t.model().rollbacks(), counterInScrape(scrape, ROLLBACKS, t.name()));
    }
    assertTrue(overflowing.skippedBatches() >= 3, "skipped " + overflowing.skippedBatches());
    assertEquals(0, sane.skippedBatches());
    assertEquals(0, counterInScrape(scrape, SKIPPED, "default"));
    assertEquals(0, counterInScrape(scrape, ROLLBACKS, "default"));

    // Rolled back, each time with a tenth of the learning rate.
    assertEquals(7, exploding.model().rollbacks());
    assertTrue(overflowing.model().rollbacks() >= 1);
    for (ModelTrainer t : List.of(exploding, overflowing)) {
      double expected = t.spec().learningRate() * Math.pow(0.1, t.model().rollbacks());
      assertEquals(expected, t.model().learningRate(), expected * 1e-12);
    }

    // Finite: every parameter, optimizer state and running statistic.
    for (ModelTrainer t : List.of(exploding, overflowing)) {
      assertAllFinite(t.model());
    }

    // Usable: the published snapshot holds the trainer's parameters bit for bit, and the
    // checkpoint restores a trainer that goes on exactly as the original.
    assertSnapshotMatches(lastSnapshot(snapshots, "exploding"), exploding);
    assertSnapshotMatches(lastSnapshot(snapshots, "overflowing"), overflowing);
    assertCheckpointRoundTrips(exploding);
    assertCheckpointRoundTrips(overflowing);

    // The exploding model learns again: its last snapshot predicts finite probabilities for
    // samples after the training stream, right more often than chance.
    SnapshotPredictor predictor = new SnapshotPredictor(lastSnapshot(snapshots, "exploding"));
    SyntheticStream queries = new SyntheticStream(FEATURES, CLASSES, 42);
    for (int i = 0; i < RECORDS; i++) {
      queries.next();
    }
    int correct = 0;
    for (int i = 0; i < 500; i++) {
      Sample query = queries.next();
      float[] p = predictor.predict(query.features());
      double sum = 0;
      int best = 0;
      for (int c = 0; c < p.length; c++) {
        assertTrue(Float.isFinite(p[c]) && p[c] >= 0 && p[c] <= 1, "probability " + p[c]);
        sum += p[c];
        best = p[c] > p[best] ? c : best;
      }
      assertEquals(1.0, sum, 1e-4);
      correct += best == (int) query.targets()[0] ? 1 : 0;
    }
    assertTrue(correct > 2 * 500 / CLASSES, "exploding model after recovery: " + correct + "/500");

    // The sane model is unaffected: the very bits it learns alone, and it learns.
    TrainerRegistry alone = new TrainerRegistry();
    PrometheusMeterRegistry quiet = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TopologyTestDriver driver =
        driver(
            Map.of("default", SANE),
            alone,
            new TrainingMetrics(quiet, quiet.getPrometheusRegistry()),
            "alone")) {
      feed(driver, List.of("default"));
      alone.beginShutdown();
    }
    ModelTrainer reference = alone.trainers().get("default");
    assertEquals(reference.model().step(), sane.model().step());
    assertArrayEquals(ModelCodec.encode(reference.model()), ModelCodec.encode(sane.model()));
    assertTrue(
        sane.prequentialAccuracy() > 2.0 / CLASSES,
        "sane model learns: prequential accuracy over the last 10 batches "
            + sane.prequentialAccuracy());
  }

  @Test
  void shouldPublishTheModelAtOnceWhenItRollsBack() {
    // snapshots only by count, and the count never reached: what is published comes from the
    // first batch (serving starts at once) and from the rollbacks
    TrainerSettings rare =
        new TrainerSettings(0.1, 0, 10, 20, Duration.ofHours(1), 100_000, Duration.ofHours(1))
            .withTrainingQueue(0);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainerRegistry trainers = new TrainerRegistry();
    List<ModelSnapshot> published;
    try (TopologyTestDriver driver =
        driver(
            Map.of("exploding", EXPLODING),
            rare,
            trainers,
            new TrainingMetrics(prometheus, prometheus.getPrometheusRegistry()),
            "rare")) {
      feed(driver, List.of("exploding"));
      published = snapshots(driver);
      trainers.beginShutdown();
    }
    ModelTrainer exploding = trainers.trainers().get("exploding");
    assertEquals(7, exploding.model().rollbacks());
    assertEquals(1 + exploding.model().rollbacks(), published.size());
    for (int i = 1; i < published.size(); i++) {
      assertTrue(published.get(i).version() >= published.get(i - 1).version());
    }
  }

  private TopologyTestDriver driver(
      Map<String, ModelSpec> models,
      TrainerRegistry registry,
      TrainingMetrics metrics,
      String dir) {
    return driver(models, SETTINGS, registry, metrics, dir);
  }

  private TopologyTestDriver driver(
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainingMetrics metrics,
      String dir) {
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(builder, models, settings, registry, metrics);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "exploding-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir).toString());
    return new TopologyTestDriver(builder.build(), props);
  }

  /** The same seeded stream for every model, each record once per model, interleaved. */
  private static void feed(TopologyTestDriver driver, List<String> models) {
    TestInputTopic<byte[], byte[]> input =
        driver.createInputTopic(
            Topics.SAMPLES, new ByteArraySerializer(), new ByteArraySerializer());
    SyntheticStream stream = new SyntheticStream(FEATURES, CLASSES, 42);
    for (int i = 0; i < RECORDS; i++) {
      Sample s = stream.next();
      for (String model : models) {
        Sample m = new Sample(model, s.features(), s.kind(), s.targets());
        input.pipeInput(
            ("s-" + i).getBytes(StandardCharsets.UTF_8),
            i % 2 == 0 ? SampleCodec.toBinary(m) : SampleCodec.toJson(m));
      }
    }
  }

  private static List<ModelSnapshot> snapshots(TopologyTestDriver driver) {
    return driver
        .createOutputTopic(
            Topics.SNAPSHOTS, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readValuesToList()
        .stream()
        .map(ModelSnapshot::fromBytes)
        .toList();
  }

  private static ModelSnapshot lastSnapshot(List<ModelSnapshot> snapshots, String model) {
    List<ModelSnapshot> of = new ArrayList<>();
    for (ModelSnapshot s : snapshots) {
      if (s.model().equals(model)) {
        of.add(s);
      }
    }
    assertTrue(!of.isEmpty(), "no snapshot of " + model);
    return of.get(of.size() - 1);
  }

  /** Full training batches the trainer has seen: applied or skipped. */
  private static long trainingBatches(ModelTrainer t) {
    long batches = t.model().step() + t.model().skippedSteps();
    assertTrue(batches >= (RECORDS * 8L / 10) / 32, "batches " + batches);
    return batches;
  }

  static final String SKIPPED = "mlp_batches_skipped_total{model=\"%s\",reason=\"non-finite\"}";
  static final String ROLLBACKS = "mlp_model_rollbacks_total{model=\"%s\"}";

  /** The value of a counter series (a format of the model name) in the Prometheus text format. */
  private static long counterInScrape(String scrape, String series, String model) {
    String name = String.format(series, model);
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+]+)$").matcher(scrape);
    assertTrue(m.find(), "no " + name + " in\n" + scrape);
    double value = Double.parseDouble(m.group(1));
    assertEquals(Math.rint(value), value);
    return (long) value;
  }

  private static void assertAllFinite(Model model) {
    for (Parameter p : model.network().parameters()) {
      assertFinite(p.value(), p.name());
    }
    for (OptimizerState state : model.optimizerStates()) {
      for (FMatrixRMaj b : state.buffers()) {
        assertFinite(b, "optimizer state");
      }
    }
    for (FMatrixRMaj b : model.network().buffers()) {
      assertFinite(b, "running statistic");
    }
  }

  private static void assertFinite(FMatrixRMaj m, String what) {
    for (int i = 0; i < m.getNumElements(); i++) {
      assertTrue(Float.isFinite(m.data[i]), what + "[" + i + "] = " + m.data[i]);
    }
  }

  private static void assertSnapshotMatches(ModelSnapshot snapshot, ModelTrainer trainer) {
    assertEquals(trainer.model().step(), snapshot.version());
    Model decoded = ModelCodec.decode(snapshot.network());
    List<Parameter> expected = trainer.model().network().parameters();
    List<Parameter> actual = decoded.network().parameters();
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).value().data, actual.get(i).value().data);
    }
  }

  /** A restored trainer equals the original, then both take the same 320 samples alike. */
  private static void assertCheckpointRoundTrips(ModelTrainer trainer) {
    byte[] checkpoint = trainer.checkpoint();
    ModelTrainer restored = ModelTrainer.restore(checkpoint);
    assertArrayEquals(checkpoint, restored.checkpoint());
    ModelTrainer original = ModelTrainer.restore(checkpoint);
    SyntheticStream more = new SyntheticStream(trainer.name(), FEATURES, CLASSES, 6.0, 5);
    for (int i = 0; i < 320; i++) {
      Sample s = more.next();
      original.accept(s, false);
      restored.accept(s, false);
    }
    assertArrayEquals(original.checkpoint(), restored.checkpoint());
    assertEquals(
        trainer.model().step() + trainer.skippedBatches() + 320 / trainer.spec().batchSize(),
        restored.model().step() + restored.skippedBatches());
    assertAllFinite(restored.model());
  }
}
