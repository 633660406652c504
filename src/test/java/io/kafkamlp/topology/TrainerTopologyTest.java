package io.kafkamlp.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.SampleRouter;
import io.kafkamlp.train.TrainerObserver;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.TrainingRoute;
import io.kafkamlp.train.ValidationSplit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTopologyTest {

  static final ModelSpec SMALL =
      ModelSpec.defaults().with("layers", "4,8,3").withBatchSize(4).with("lr", "0.05");
  static final ModelSpec REGRESSION =
      ModelSpec.defaults().with("layers", "4,2").with("loss", "l2").withBatchSize(2);
  static final Map<String, ModelSpec> MODELS = Map.of("default", SMALL, "prices", REGRESSION);

  /** Snapshot after every batch; 25% validation. */
  static final TrainerSettings SETTINGS =
      new TrainerSettings(0.25, 0, 10, 3, Duration.ofHours(1), 1, Duration.ofHours(1))
          .withTrainingQueue(0);

  @TempDir Path stateDir;

  private TopologyTestDriver driver(TrainerRegistry registry) {
    return driver(registry, TrainingRoute.DIRECT);
  }

  private TopologyTestDriver driver(TrainerRegistry registry, TrainingRoute route) {
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(
        builder, MODELS, SETTINGS, registry, TrainerObserver.NONE, SampleLimits.DEFAULTS, route);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trainer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(builder.build(), props);
  }

  private static TestInputTopic<byte[], byte[]> input(TopologyTestDriver driver) {
    return driver.createInputTopic(
        Topics.SAMPLES, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static TestOutputTopic<byte[], byte[]> output(TopologyTestDriver driver, String topic) {
    return driver.createOutputTopic(
        topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<TestRecord<byte[], byte[]>> labeled(int n, long seed, String model) {
    Rng rng = new Rng(seed);
    List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rng.nextInt(3);
      float[] x = new float[4];
      for (int j = 0; j < 4; j++) {
        x[j] = (float) (3 * rng.nextGaussian() + (j == label ? 5 : 0));
      }
      Sample sample =
          model.equals("prices")
              ? new Sample(model, x, TargetKind.TARGETS, new float[] {x[0] + x[1], x[2]})
              : new Sample(model, x, TargetKind.LABEL, new float[] {label});
      byte[] value = i % 2 == 0 ? SampleCodec.toJson(sample) : SampleCodec.toBinary(sample);
      records.add(new TestRecord<>(bytes(model + "-" + seed + "-" + i), value));
    }
    return records;
  }

  @ParameterizedTest
  @EnumSource(TrainingRoute.class)
  void shouldRouteStraightToTheTrainingNodeAndTheDeadLetterSink(TrainingRoute route) {
    // The router forwards by child name: these must be its children, as Kafka Streams names them.
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(
        builder,
        MODELS,
        SETTINGS,
        new TrainerRegistry(),
        TrainerObserver.NONE,
        SampleLimits.DEFAULTS,
        route);

    TopologyDescription description = builder.build().describe();
    Set<String> children = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : description.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node.name().equals(TrainerTopology.ROUTE_NODE)) {
          node.successors().forEach(child -> children.add(child.name()));
        }
      }
    }

    String training =
        route == TrainingRoute.DIRECT
            ? TrainerTopology.TRAINER_NODE
            : TrainerTopology.REPARTITION_NODE;
    assertEquals(new TreeSet<>(List.of(training, TrainerTopology.DEAD_LETTER_NODE)), children);
    // DIRECT: router and trainer in one sub-topology, no repartition topic between them.
    assertEquals(route == TrainingRoute.DIRECT ? 1 : 2, description.subtopologies().size());
  }

  @Test
  void shouldLearnTheSameBitsOnEitherRoute() {
    // One input partition: both routes bring the records to the trainer in the same order.
    List<TestRecord<byte[], byte[]>> records = new ArrayList<>(labeled(60, 4, "default"));
    records.addAll(labeled(30, 5, "prices"));
    records.addAll(labeled(30, 6, "default"));
    Map<TrainingRoute, Map<String, byte[]>> states = new EnumMap<>(TrainingRoute.class);
    for (TrainingRoute route : TrainingRoute.values()) {
      TrainerRegistry registry = new TrainerRegistry();
      try (TopologyTestDriver driver = driver(registry, route)) {
        input(driver).pipeRecordList(records);
        Map<String, byte[]> state = new TreeMap<>();
        registry.trainers().forEach((name, trainer) -> state.put(name, trainer.checkpoint()));
        states.put(route, state);
      }
    }

    Map<String, byte[]> direct = states.get(TrainingRoute.DIRECT);
    Map<String, byte[]> byModel = states.get(TrainingRoute.BY_MODEL);
    assertEquals(Set.of("default", "prices"), direct.keySet());
    assertEquals(direct.keySet(), byModel.keySet());
    for (String model : direct.keySet()) {
      assertArrayEquals(byModel.get(model), direct.get(model), model);
    }
  }

  @Test
  void shouldSendEachBadRecordToDeadLetterTopicWithItsReason() {
    try (TopologyTestDriver driver = driver(new TrainerRegistry())) {
      TestInputTopic<byte[], byte[]> in = input(driver);
      in.pipeInput(bytes("a"), bytes("{not json"));
      in.pipeInput(bytes("b"), bytes("{\"features\":[1,2,3],\"label\":1}"));
      in.pipeInput(bytes("c"), bytes("{\"features\":[1,2,3,4],\"label\":7}"));
      in.pipeInput(bytes("d"), bytes("{\"features\":[1,2,3,4],\"label\":1,\"model\":\"nope\"}"));
      in.pipeInput(bytes("e"), bytes("{\"features\":[1,2,3,4],\"labels\":[1]}"));
      in.pipeInput(bytes("f"), (byte[]) null);
      in.pipeInput(bytes("ok"), bytes("{\"features\":[1,2,3,4],\"label\":1}"));
      in.pipeInput(bytes("unlabeled"), bytes("{\"features\":[1,2,3,4]}"));

      List<TestRecord<byte[], byte[]>> dead = output(driver, Topics.DLQ).readRecordsToList();

      assertEquals(6, dead.size());
      assertDead(dead.get(0), "a", "{not json", "parse", "JSON");
      assertDead(dead.get(1), "b", "{\"features\":[1,2,3],\"label\":1}", "validate", "4 features");
      assertDead(dead.get(2), "c", "{\"features\":[1,2,3,4],\"label\":7}", "validate", "7");
      assertDead(dead.get(3), "d", null, "validate", "unknown model 'nope'");
      assertDead(dead.get(4), "e", null, "validate", "label");
      assertEquals("f", new String(dead.get(5).key(), StandardCharsets.UTF_8));
    }
  }

  private static void assertDead(
      TestRecord<byte[], byte[]> record, String key, String value, String stage, String reason) {
    Headers headers = record.headers();
    String actualReason =
        new String(headers.lastHeader(SampleRouter.REASON_HEADER).value(), StandardCharsets.UTF_8);
    assertEquals(key, new String(record.key(), StandardCharsets.UTF_8));
    if (value != null) {
      assertEquals(value, new String(record.value(), StandardCharsets.UTF_8));
    }
    assertEquals(
        stage,
        new String(headers.lastHeader(SampleRouter.STAGE_HEADER).value(), StandardCharsets.UTF_8));
    assertTrue(actualReason.contains(reason), actualReason + " should mention " + reason);
  }

  @Test
  void shouldTrainOnTrainingSplitOnlyAndSnapshotEachBatch() {
    List<TestRecord<byte[], byte[]>> records = labeled(64, 1, "default");
    ValidationSplit split = new ValidationSplit(SETTINGS.validationFraction());
    long training = records.stream().filter(r -> !split.isValidation(r.key())).count();
    try (TopologyTestDriver driver = driver(new TrainerRegistry())) {
      input(driver).pipeRecordList(records);

      List<ModelSnapshot> snapshots = snapshots(driver);

      long batches = training / SMALL.batchSize();
      assertTrue(training < 64 && training > 32, "training " + training);
      assertEquals(batches, snapshots.size());
      ModelSnapshot last = snapshots.get(snapshots.size() - 1);
      assertEquals(batches, last.version());
      assertEquals(batches * SMALL.batchSize(), last.samplesTrained());
      // At the last batch the normalizer had seen exactly the training samples of the batches.
      assertEquals(
          last.samplesTrained(),
          RunningStandardizer.fromBytes(last.normalizer()).count(),
          "normalizer count");
      assertTrue(
          Double.isFinite(last.metrics().validationLoss()) || 64 - training < SMALL.batchSize());
    }
  }

  @Test
  void shouldRouteEachModelToItsOwnTrainer() {
    List<TestRecord<byte[], byte[]>> records = new ArrayList<>(labeled(40, 2, "default"));
    records.addAll(labeled(40, 3, "prices"));
    TrainerRegistry registry = new TrainerRegistry();
    try (TopologyTestDriver driver = driver(registry)) {
      input(driver).pipeRecordList(records);

      List<ModelSnapshot> snapshots = snapshots(driver);

      assertTrue(snapshots.stream().anyMatch(s -> s.model().equals("default")));
      assertTrue(snapshots.stream().anyMatch(s -> s.model().equals("prices")));
      assertEquals("l2", registry.trainers().get("prices").spec().loss());
      assertEquals(SMALL, registry.trainers().get("default").spec());
    }
  }

  private static List<ModelSnapshot> snapshots(TopologyTestDriver driver) {
    return output(driver, Topics.SNAPSHOTS).readValuesToList().stream()
        .map(ModelSnapshot::fromBytes)
        .toList();
  }
}
