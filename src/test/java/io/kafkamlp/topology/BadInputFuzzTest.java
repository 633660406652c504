package io.kafkamlp.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.SampleRouter;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
 * Ten thousand malformed records of every kind, interleaved with a real stream: each lands in the
 * dead-letter topic with its reason, nothing crashes, and the model learns exactly the bits it
 * learns from the clean stream alone.
 */
class BadInputFuzzTest {

  private static final ModelSpec SPEC =
      ModelSpec.defaults().with("layers", "4,8,3").withBatchSize(4).with("lr", "0.05");
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(0.1, 0, 10, 20, Duration.ofHours(1), 10, Duration.ofHours(1))
          .withTrainingQueue(0);
  private static final int BAD = 10_000;

  @TempDir Path stateDir;

  @Test
  void shouldRefuseEveryMalformedRecordAndLearnAsFromCleanStream() {
    List<TestRecord<byte[], byte[]>> clean = TrainerTopologyTest.labeled(400, 21, "default");
    List<TestRecord<byte[], byte[]>> bad = corpus(new Rng(5));
    List<TestRecord<byte[], byte[]>> mixed = new ArrayList<>();
    int step = BAD / clean.size();
    for (int i = 0; i < clean.size(); i++) {
      mixed.add(clean.get(i));
      mixed.addAll(bad.subList(i * step, (i + 1) * step));
    }

    byte[] expected = run(clean, "clean").checkpoint;
    Result fuzzed = run(mixed, "fuzzed");

    assertEquals(BAD, fuzzed.dead.size(), "every malformed record, and only those, refused");
    Set<String> badKeys = new HashSet<>();
    bad.forEach(r -> badKeys.add(new String(r.key(), StandardCharsets.UTF_8)));
    for (TestRecord<byte[], byte[]> dead : fuzzed.dead) {
      assertTrue(badKeys.contains(new String(dead.key(), StandardCharsets.UTF_8)));
      assertNotNull(dead.headers().lastHeader(SampleRouter.REASON_HEADER));
      assertNotNull(dead.headers().lastHeader(SampleRouter.STAGE_HEADER));
    }
    assertArrayEquals(expected, fuzzed.checkpoint, "the model learned exactly the clean stream");
  }

  private record Result(byte[] checkpoint, List<TestRecord<byte[], byte[]>> dead) {}

  private Result run(List<TestRecord<byte[], byte[]>> records, String name) {
    TrainerRegistry registry = new TrainerRegistry();
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(builder, Map.of("default", SPEC), SETTINGS, registry);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fuzz-" + name);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              Topics.SAMPLES, new ByteArraySerializer(), new ByteArraySerializer());
      in.pipeRecordList(records);
      List<TestRecord<byte[], byte[]>> dead =
          driver
              .createOutputTopic(
                  Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList();
      registry.beginShutdown();
      byte[] checkpoint = registry.trainers().get("default").checkpoint();
      return new Result(checkpoint, dead);
    }
  }

  /** BAD malformed records, a mix of every kind below, seeded. */
  static List<TestRecord<byte[], byte[]>> corpus(Rng rng) {
    List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
    String good = "{\"features\":[1.5,2,3,4],\"label\":1}";
    String[] fixed = {
      "",
      "{",
      "null",
      "[]",
      "{}",
      "\"features\"",
      "{\"features\":[\"1\",\"2\",\"3\",\"4\"],\"label\":1}",
      "{\"features\":[1,2,3,4],\"label\":\"1\"}",
      "{\"features\":[1,2,3,4],\"label\":1.5}",
      "{\"features\":[1,2,3,4],\"label\":true}",
      "{\"features\":[1,2,3,4],\"label\":[1]}",
      "{\"features\":[1,2,3,4],\"label\":-1}",
      "{\"features\":[1,2,3,4],\"label\":3}",
      "{\"features\":[1,2,3,4],\"label\":99999999999}",
      "{\"features\":[1e308,2,3,4],\"label\":1}",
      "{\"features\":[NaN,2,3,4],\"label\":1}",
      "{\"features\":[Infinity,2,3,4],\"label\":1}",
      "{\"features\":[1,2,3,4],\"features\":[1,2,3,4],\"label\":1}",
      "{\"features\":[1,2,3,4],\"label\":1,\"label\":2}",
      "{\"features\":[1,2,3],\"label\":1}",
      "{\"features\":[1,2,3,4,5],\"label\":1}",
      "{\"features\":[1,2,3,4],\"labels\":[1]}",
      "{\"features\":[1,2,3,4],\"target\":1}",
      "{\"features\":[1,2,3,4],\"label\":1,\"model\":\"other\"}",
      "{\"features\":[1,2,3,4],\"label\":1,\"model\":\"\"}",
      "{\"features\":[1,2,3,4],\"label\":1,\"model\":7}",
      "{\"features\":[1,2,3,4],\"label\":1,\"extra\":0}",
      "{\"features\":[1,2,3,4],\"label\":1} trailing",
      "{\"features\":{\"a\":1},\"label\":1}",
      "{\"features\":[[1],2,3,4],\"label\":1}",
      "{\"features\":[null,2,3,4],\"label\":1}",
      "{\"features\":[1,2,3,4]",
    };
    for (int i = 0; i < BAD; i++) {
      byte[] value;
      switch (i % 8) {
        case 0 -> value = fixed[rng.nextInt(fixed.length)].getBytes(StandardCharsets.UTF_8);
        case 1 -> value = randomBytes(rng, rng.nextInt(200));
        case 2 -> {
          byte[] full = good.getBytes(StandardCharsets.UTF_8);
          value = java.util.Arrays.copyOf(full, rng.nextInt(full.length - 1));
        }
        case 3 -> value = nested(1 + rng.nextInt(5000));
        case 4 -> value = badBinary(rng);
        case 5 -> {
          byte[] full = good.getBytes(StandardCharsets.UTF_8);
          value = full.clone();
          value[rng.nextInt(value.length)] = (byte) rng.nextInt(256);
          if (isValid(value)) {
            value = randomBytes(rng, 3);
          }
        }
        case 6 -> value = i % 400 == 6 ? oversized() : ("{\"features\":" + i + "}").getBytes();
        default -> value = ("{\"label\":" + (i % 3) + "}").getBytes(StandardCharsets.UTF_8);
      }
      if (isValid(value)) {
        value = new byte[0]; // a corruption that happens to parse is not a bad record
      }
      records.add(new TestRecord<>(("bad-" + i).getBytes(StandardCharsets.UTF_8), value));
    }
    return records;
  }

  private static boolean isValid(byte[] value) {
    try {
      var sample = SampleCodec.parse(value);
      return io.kafkamlp.sample.SampleValidator.validate(sample, SPEC) == null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] randomBytes(Rng rng, int n) {
    byte[] b = new byte[n];
    for (int k = 0; k < n; k++) {
      b[k] = (byte) rng.nextInt(256);
    }
    return b;
  }

  private static byte[] nested(int depth) {
    return ("{\"features\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"label\":1}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** 10 MB of features: over the 1 MiB record limit. */
  private static byte[] oversized() {
    StringBuilder json = new StringBuilder("{\"features\":[");
    while (json.length() < 10 * 1024 * 1024) {
      json.append("0.123456789,");
    }
    json.append("1],\"label\":1}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The binary header with one field wrong. */
  private static byte[] badBinary(Rng rng) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'K').put((byte) 'S');
    int fault = rng.nextInt(6);
    b.put((byte) (fault == 0 ? 9 : 1)); // version
    b.put((byte) (fault == 1 ? 7 : 1)); // kind
    b.putShort((short) (fault == 2 ? 60_000 : 0)); // model name length
    b.putInt(fault == 3 ? -5 : fault == 4 ? 1_000_000 : 4); // feature count
    for (int k = 0; k < 4; k++) {
      b.putFloat(fault == 5 && k == 2 ? Float.NaN : k);
    }
    b.putInt(1); // label
    return java.util.Arrays.copyOf(b.array(), b.position());
  }
}
