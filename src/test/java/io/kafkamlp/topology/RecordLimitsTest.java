package io.kafkamlp.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ServingObserver;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.SampleRouter;
import io.kafkamlp.train.TrainerObserver;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainingRoute;
import io.kafkamlp.train.ValidationSplit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both topologies with configured record limits: records over them go to the dead-letter topic
 * unparsed (the oversized ones cut to the limit), are not answered, and the stream goes on.
 */
class RecordLimitsTest {

  /** Records up to 200 bytes, up to 6 features: the 4-input model's records fit. */
  private static final SampleLimits LIMITS = new SampleLimits(200, 6);

  @TempDir Path stateDir;

  private TopologyTestDriver driver(StreamsBuilder builder, String name) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "limits-" + name);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
    return new TopologyTestDriver(builder.build(), props);
  }

  private static TestInputTopic<byte[], byte[]> input(TopologyTestDriver driver, String topic) {
    return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** 300 bytes: a valid sample padded with whitespace past the 200-byte limit. */
  private static byte[] oversized() {
    String json = "{\"features\":[1,2,3,4],\"label\":1}";
    return bytes(json + " ".repeat(300 - json.length()));
  }

  /** A binary header claiming a million features. */
  private static byte[] binaryClaimingMillion() {
    ByteBuffer b = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'K').put((byte) 'S').put((byte) 1).put((byte) 1).putShort((short) 0);
    return b.putInt(1_000_000).putInt(0).array();
  }

  @Test
  void shouldSendOverLimitRecordsToDeadLetterTopicAndTrainOnTheRest() {
    TrainerRegistry registry = new TrainerRegistry();
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(
        builder,
        Map.of("default", TrainerTopologyTest.SMALL),
        TrainerTopologyTest.SETTINGS,
        registry,
        TrainerObserver.NONE,
        LIMITS,
        TrainingRoute.DIRECT);
    try (TopologyTestDriver driver = driver(builder, "trainer")) {
      TestInputTopic<byte[], byte[]> in = input(driver, Topics.SAMPLES);
      List<TestRecord<byte[], byte[]>> clean = TrainerTopologyTest.labeled(40, 3, "default");
      in.pipeRecordList(clean.subList(0, 20));
      in.pipeInput(bytes("big"), oversized());
      in.pipeInput(bytes("wide"), bytes("{\"features\":[1,2,3,4,5,6,7],\"label\":1}"));
      in.pipeInput(bytes("header"), binaryClaimingMillion());
      in.pipeRecordList(clean.subList(20, 40));

      List<TestRecord<byte[], byte[]>> dead =
          driver
              .createOutputTopic(
                  Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList();

      assertEquals(3, dead.size());
      assertEquals("big", text(dead.get(0).key()));
      assertEquals("oversized record: 300 bytes > 200", reason(dead.get(0)));
      assertEquals("parse", header(dead.get(0), SampleRouter.STAGE_HEADER));
      assertArrayEquals(Arrays.copyOf(oversized(), 200), dead.get(0).value(), "cut to the limit");
      assertEquals("300", header(dead.get(0), SampleRouter.ORIGINAL_LENGTH_HEADER));
      assertEquals("too many features: more than 6", reason(dead.get(1)));
      assertNull(dead.get(1).headers().lastHeader(SampleRouter.ORIGINAL_LENGTH_HEADER));
      assertEquals("too many features: 1000000 > 6", reason(dead.get(2)));
      assertArrayEquals(binaryClaimingMillion(), dead.get(2).value(), "the original bytes");

      ValidationSplit split =
          new ValidationSplit(TrainerTopologyTest.SETTINGS.validationFraction());
      long training = clean.stream().filter(r -> !split.isValidation(r.key())).count();
      registry.beginShutdown();
      ModelTrainer trainer = registry.trainers().get("default");
      assertEquals(training / 4 * 4, trainer.samplesTrained(), "every whole batch of clean data");
    }
  }

  @Test
  void shouldNotAnswerRequestsOverTheLimits() {
    StreamsBuilder builder = new StreamsBuilder();
    ServerTopology.build(builder, ServingObserver.NONE, LIMITS);
    try (TopologyTestDriver driver = driver(builder, "server")) {
      TestInputTopic<byte[], byte[]> in = input(driver, Topics.SAMPLES);
      float[] x = {1, 2, 3, 4};
      byte[] request = SampleCodec.toJson(new Sample("default", x, TargetKind.NONE, new float[0]));
      byte[] padded = Arrays.copyOf(request, 300);
      Arrays.fill(padded, request.length, padded.length, (byte) ' ');

      in.pipeInput(bytes("big"), padded);
      in.pipeInput(bytes("wide"), bytes("{\"features\":[1,2,3,4,5,6,7]}"));
      in.pipeInput(bytes("ok"), request);

      List<TestRecord<byte[], byte[]>> answers =
          driver
              .createOutputTopic(
                  Topics.PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList();
      assertEquals(1, answers.size());
      assertEquals("ok", text(answers.get(0).key()));
    }
  }

  private static String reason(TestRecord<byte[], byte[]> record) {
    return header(record, SampleRouter.REASON_HEADER);
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : text(header.value());
  }
}
