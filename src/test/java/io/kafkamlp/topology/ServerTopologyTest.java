package io.kafkamlp.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.serve.SnapshotPredictor;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TestSamples;
import io.kafkamlp.train.TrainerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTopologyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final float[] QUERY = {1f, -2f, 0.5f, 3f};

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> samples;
  private TestInputTopic<byte[], byte[]> snapshots;
  private TestOutputTopic<byte[], byte[]> predictions;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    ServerTopology.build(builder);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "server-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(builder.build(), props);
    ByteArraySerializer serializer = new ByteArraySerializer();
    samples = driver.createInputTopic(Topics.SAMPLES, serializer, serializer);
    snapshots = driver.createInputTopic(Topics.SNAPSHOTS, serializer, serializer);
    predictions =
        driver.createOutputTopic(
            Topics.PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    driver.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ModelSnapshot trainedSnapshot(String name, int samples) {
    ModelTrainer trainer = new ModelTrainer(name, TestSamples.SPEC, TrainerSettings.defaults());
    TestSamples.samples(samples, 9).forEach(s -> trainer.accept(s, false));
    return trainer.snapshot(42L);
  }

  private static byte[] request(String model) {
    return SampleCodec.toJson(new Sample(model, QUERY, TargetKind.NONE, new float[0]));
  }

  @Test
  void shouldAnswerNoModelYetWhenNoSnapshotExists() throws Exception {
    samples.pipeInput(bytes("q1"), request("default"));

    JsonNode answer = JSON.readTree(predictions.readValue());

    assertEquals("q1", answer.get("id").asText());
    assertEquals("no-model-yet", answer.get("status").asText());
  }

  @Test
  void shouldPredictWithLatestSnapshotAndTagItsVersion() throws Exception {
    ModelSnapshot early = trainedSnapshot("default", 8);
    ModelSnapshot later = trainedSnapshot("default", 40);
    snapshots.pipeInput(bytes("default"), early.toBytes());
    samples.pipeInput(bytes("q1"), request("default"));
    snapshots.pipeInput(bytes("default"), later.toBytes());
    samples.pipeInput(bytes("q2"), request("default"));

    List<TestRecord<byte[], byte[]>> answers = predictions.readRecordsToList();

    assertEquals(2, answers.size());
    assertAnswer(answers.get(0), "q1", early);
    assertAnswer(answers.get(1), "q2", later);
  }

  private static void assertAnswer(TestRecord<byte[], byte[]> record, String id, ModelSnapshot s)
      throws Exception {
    JsonNode answer = JSON.readTree(record.value());
    float[] expected = new SnapshotPredictor(s).predict(QUERY);
    assertEquals(id, new String(record.key(), StandardCharsets.UTF_8));
    assertEquals(id, answer.get("id").asText());
    assertEquals("default", answer.get("model").asText());
    assertEquals(s.version(), answer.get("modelVersion").asLong());
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], answer.get("probabilities").get(j).floatValue());
    }
    int argmax = 0;
    for (int j = 1; j < expected.length; j++) {
      argmax = expected[j] > expected[argmax] ? j : argmax;
    }
    assertEquals(argmax, answer.get("predicted").asInt());
  }

  @Test
  void shouldSkipLabeledAndInvalidRecords() {
    snapshots.pipeInput(bytes("default"), trainedSnapshot("default", 8).toBytes());

    samples.pipeInput(
        bytes("labeled"),
        SampleCodec.toJson(new Sample("default", QUERY, TargetKind.LABEL, new float[] {1})));
    samples.pipeInput(bytes("bad"), bytes("{oops"));
    samples.pipeInput(bytes("short"), bytes("{\"features\":[1,2]}"));
    samples.pipeInput(bytes("ok"), request("default"));

    List<TestRecord<byte[], byte[]>> answers = predictions.readRecordsToList();
    assertEquals(1, answers.size());
    assertTrue(new String(answers.get(0).value(), StandardCharsets.UTF_8).contains("\"ok\""));
  }
}
