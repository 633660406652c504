package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplePeekTest {

  private static boolean peek(String json) {
    return SamplePeek.isLabeled(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Sample randomSample(Random random) {
    float[] features = new float[1 + random.nextInt(20)];
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextGaussian();
    }
    String model = random.nextBoolean() ? Sample.DEFAULT_MODEL : "m" + random.nextInt(5);
    return switch (random.nextInt(4)) {
      case 0 -> new Sample(model, features, TargetKind.NONE, new float[0]);
      case 1 -> new Sample(model, features, TargetKind.LABEL, new float[] {random.nextInt(10)});
      case 2 -> new Sample(model, features, TargetKind.LABELS, new float[] {1, 4});
      default -> new Sample(model, features, TargetKind.TARGETS, new float[] {0.5f, -2});
    };
  }

  @Test
  void agreesWithTheParserOnValidRecordsInBothFormats() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      Sample sample = randomSample(random);
      assertEquals(sample.labeled(), SamplePeek.isLabeled(SampleCodec.toJson(sample)), "json");
      assertEquals(sample.labeled(), SamplePeek.isLabeled(SampleCodec.toBinary(sample)), "binary");
    }
  }

  @Test
  void findsTheLabelWhereverTheFieldStandsAndWhateverSurroundsIt() {
    assertTrue(peek("{\"label\":3,\"features\":[1,2]}"));
    assertTrue(peek(" \n{ \"features\" : [ 1 , 2 ] ,\t\"labels\" : [1] }"));
    assertTrue(peek("{\"model\":\"a,b}\\\"[\",\"features\":[1],\"target\":1.5}"));
    assertTrue(peek("{\"features\":[1],\"targets\":[1,2]}"));
    assertTrue(peek("{\"x\":{\"y\":[[1],{\"z\":\"]\"}]},\"label\":1}"));
  }

  @Test
  void aRequestOrAnythingUnclearIsLeftToTheParser() {
    assertFalse(peek("{\"features\":[1,2]}"));
    assertFalse(peek("{\"model\":\"label\",\"features\":[1,2]}"));
    assertFalse(peek("{\"features\":[1,2],\"x\":{\"label\":1}}"));
    assertFalse(peek("{\"lab\\u0065l\":1,\"features\":[1]}"));
    assertFalse(peek("{}"));
    assertFalse(peek("[\"label\"]"));
    assertFalse(peek("{\"features\":[1,2"));
    assertFalse(peek("{\"features\" [1],\"label\":1,\"x\":2}"));
    assertFalse(SamplePeek.isLabeled(null));
    assertFalse(SamplePeek.isLabeled(new byte[0]));
    assertFalse(SamplePeek.isLabeled(new byte[] {'K', 'S', 1}));
    assertFalse(SamplePeek.isLabeled(new byte[] {'K', 'S', 1, 9}));
  }

  @Test
  void readsALabelThatEndsTheRecordFromItsLastBytes() {
    // the scan could not get past this features array; the record's end alone tells
    String unscannable = "{\"features\":[" + "[".repeat(10) + "1,2,3";
    assertFalse(peek(unscannable + "]}"));
    assertTrue(peek(unscannable + ",\"label\":7} \n"));
    assertTrue(peek(unscannable + ",\"label\":-123456789}"));
    assertFalse(peek(unscannable + ",\"label\":1234567890}"), "more digits than a label has");
    assertFalse(peek(unscannable + ",\"label\":}"));
    assertFalse(peek(unscannable + "\\\"label\":7}"), "an escaped quote");
    assertFalse(peek(unscannable + ",\"label\":7}}"));
    assertFalse(peek("\"label\":7}"));
  }

  @Test
  void deepNestingNeitherOverflowsNorCountsAsLabeled() {
    String deep = "{\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + ",\"features\":[1]}";
    assertFalse(peek(deep));
    assertTrue(peek(deep.replace("\"features\"", "\"label\":1,\"features\"")));
  }

  /** The property the server relies on to drop records: labeled, or refused by the parser. */
  @Test
  void neverCallsARequestLabeledUnderRandomCorruption() {
    Random random = new Random(11);
    int peekedLabeled = 0;
    for (int i = 0; i < 20_000; i++) {
      Sample sample = randomSample(random);
      byte[] bytes =
          random.nextBoolean() ? SampleCodec.toJson(sample) : SampleCodec.toBinary(sample);
      byte[] mutated = mutate(bytes, random);
      if (!SamplePeek.isLabeled(mutated)) {
        continue;
      }
      peekedLabeled++;
      try {
        assertTrue(
            SampleCodec.parse(mutated).labeled(),
            () ->
                "peeked labeled, parsed as a request: "
                    + new String(mutated, StandardCharsets.UTF_8));
      } catch (RejectedSampleException refused) {
        // refused records are the trainer's to send to the dead-letter topic
      }
    }
    assertTrue(peekedLabeled > 5_000, "the corpus exercises the labeled path: " + peekedLabeled);
  }

  private static byte[] mutate(byte[] bytes, Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 1:
        {
          byte[] copy = bytes.clone();
          copy[random.nextInt(copy.length)] = (byte) " {}[]\",:\\0lK".charAt(random.nextInt(12));
          return copy;
        }
      case 2:
        {
          byte[] copy = bytes.clone();
          copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
          return copy;
        }
      default:
        return bytes;
    }
  }
}
