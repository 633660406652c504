package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path against the full (Jackson) reader, its reference: on every record it reads, the
 * same sample bit for bit; on the common shapes, a sample rather than a deferral.
 */
class JsonFastPathTest {

  private static final int MAX_COUNT = SampleLimits.DEFAULT_MAX_FEATURES;
  private static final String ALPHABET = "{}[],:\"\\ \t\n-+.eE0123456789abflnrstu\u00e9x";

  @Test
  void shouldReadWhatTheCodecWritesAsTheFullReaderDoes() {
    // Given
    SplittableRandom random = new SplittableRandom(7);

    for (int i = 0; i < 2_000; i++) {
      byte[] record = SampleCodec.toJson(randomSample(random));

      // When, Then
      assertReadAsTheFullReaderDoes(record);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1",
        "-1",
        "255",
        "0.003921569",
        "0.99607843",
        "1e5",
        "1E+5",
        "1.5e-3",
        "2.5E-3",
        "123456789",
        "16777217",
        "16777217.0",
        "16777219.0",
        "4.077673673629761",
        "8.028053760528564",
        "1.90711909532547",
        "820308.28125",
        "750859.03125",
        "255.0",
        "-255.0",
        "-0.5",
        "1234567.5",
        "12345678.5",
        "9007199254740993",
        "9007199254740993.0",
        "123456789012345678",
        "0.30000000000000004",
        "3.4028235e38",
        "3.4028235E38",
        "1.17549435E-38",
        "1.4e-45",
        "1e-46",
        "7e-46",
        "1e-400",
        "0.1",
        "0.2",
        "0.7",
        "1e22",
        "1e23",
        "1e-22",
        "1e-23",
        "4.9406564584124654E-324",
        "1.000000059604644775390625",
        "1.0000000596046447753906250001",
        "0.000001",
        "100.000"
      })
  void shouldConvertANumberAsTheFullReaderDoes(String number) {
    // Given
    byte[] record =
        bytes("{\"features\": [" + number + ", " + number + "], \"target\": " + number + "}");

    // When, Then
    assertReadAsTheFullReaderDoes(record);
  }

  @Test
  void shouldConvertRandomDecimalsAsTheFullReaderDoes() {
    // Given
    SplittableRandom random = new SplittableRandom(5);

    for (int i = 0; i < 2_000; i++) {
      StringBuilder json = new StringBuilder("{\"features\": [");
      for (int k = 0; k < 100; k++) {
        json.append(k == 0 ? "" : ",").append(randomDecimal(random));
      }
      byte[] record = bytes(json.append("]}").toString());

      // When, Then
      assertReadAsTheFullReaderDoes(record);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"features\": [1e39]}",
        "{\"features\": [3.4028236e38]}",
        "{\"features\": [01]}",
        "{\"features\": [1.]}",
        "{\"features\": [.5]}",
        "{\"features\": [+1]}",
        "{\"features\": [1,]}",
        "{\"features\": [NaN]}",
        "{\"features\": [1], \"label\": 1.0}",
        "{\"features\": [1], \"label\": 16777217}",
        "{\"features\": [1], \"label\": 1, \"target\": 2}",
        "{\"features\": [1], \"features\": [2]}",
        "{\"features\": [1], \"model\": \"\"}",
        "{\"features\": [1], \"model\": \"m\\u00e9\"}",
        "{\"features\": [1], \"model\": \"m\u00e9\"}",
        "{\"features\": [1], \"other\": 2}",
        "{\"features\": [1]} x",
        "{\"label\": 1}",
        "{}",
        "{\"features\": [123456789012345678901234]}"
      })
  void shouldDeferARecordItDoesNotVouchFor(String json) {
    // When
    Sample fast = JsonFastPath.read(bytes(json), 0, MAX_COUNT);

    // Then
    assertNull(fast, json);
  }

  @Test
  void shouldDeferAnArrayOverTheLimitToTheFullReader() {
    // Given
    byte[] record = bytes("{\"features\": [1, 2, 3]}");

    // When
    Sample three = JsonFastPath.read(record, 0, 3);
    Sample two = JsonFastPath.read(record, 0, 2);

    // Then
    assertEquals(3, three.features().length);
    assertNull(two);
  }

  @Test
  void shouldNeverReadAMutatedRecordDifferentlyFromTheFullReader() {
    // Given
    SplittableRandom random = new SplittableRandom(11);
    int read = 0;

    for (int i = 0; i < 20_000; i++) {
      byte[] record = mutate(SampleCodec.toJson(smallSample(random)), random);

      // When
      Sample fast = JsonFastPath.read(record, 0, MAX_COUNT);

      // Then
      if (fast != null) {
        read++;
        assertEquals(SampleCodec.parseJson(record, MAX_COUNT), fast, text(record));
      }
    }
    assertEquals(true, read > 1_000, "mutated records the fast path read: " + read);
  }

  @Test
  void shouldCountAndReadTheLeadingDigitsOfEightBytes() {
    // Given
    SplittableRandom random = new SplittableRandom(3);

    for (int i = 0; i < 10_000; i++) {
      int n = random.nextInt(0, 9);
      StringBuilder text = new StringBuilder();
      for (int d = 0; d < n; d++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
      String after = ",]}.eE-+ \"\u00e9/:";
      while (text.length() < Long.BYTES) {
        text.append(after.charAt(random.nextInt(after.length())));
      }
      byte[] bytes = Arrays.copyOf(text.toString().getBytes(StandardCharsets.UTF_8), Long.BYTES);
      long word = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();

      // When
      int count = JsonFastPath.leadingDigits(word);

      // Then
      assertEquals(n, count, text.toString());
      if (n > 0) {
        assertEquals(Long.parseLong(text.substring(0, n)), JsonFastPath.digitsValue(word, n));
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The fast path reads {@code record}, to the full reader's sample. */
  private static void assertReadAsTheFullReaderDoes(byte[] record) {
    Sample fast = JsonFastPath.read(record, 0, MAX_COUNT);
    assertNotNull(fast, text(record));
    assertEquals(SampleCodec.parseJson(record, MAX_COUNT), fast, text(record));
  }

  /** A sample of any kind whose values are written in the shortest form that reads back. */
  private static Sample randomSample(SplittableRandom random) {
    float[] features = new float[random.nextInt(0, 50)];
    for (int i = 0; i < features.length; i++) {
      features[i] = randomFloat(random);
    }
    String model = random.nextBoolean() ? Sample.DEFAULT_MODEL : "model-" + random.nextInt(100);
    switch (random.nextInt(4)) {
      case 0:
        return new Sample(model, features, TargetKind.NONE, new float[0]);
      case 1:
        return new Sample(
            model, features, TargetKind.LABEL, new float[] {random.nextInt(-5, 1000)});
      case 2:
        return new Sample(
            model,
            features,
            TargetKind.LABELS,
            new float[] {random.nextInt(10), random.nextInt(10)});
      default:
        return new Sample(
            model,
            features,
            TargetKind.TARGETS,
            new float[] {randomFloat(random), randomFloat(random)});
    }
  }

  private static Sample smallSample(SplittableRandom random) {
    float[] features = {randomFloat(random), randomFloat(random), randomFloat(random)};
    return random.nextBoolean()
        ? new Sample("m", features, TargetKind.LABEL, new float[] {random.nextInt(10)})
        : new Sample(Sample.DEFAULT_MODEL, features, TargetKind.TARGETS, new float[] {1.5f});
  }

  /** Pixels scaled to [0, 1], any float's bits, small and large magnitudes, integers. */
  private static float randomFloat(SplittableRandom random) {
    switch (random.nextInt(5)) {
      case 0:
        return random.nextInt(256) / 255f;
      case 1:
        float f = Float.intBitsToFloat(random.nextInt());
        return Float.isFinite(f) ? f : 0f;
      case 2:
        return (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-40, 39)));
      case 3:
        return random.nextInt(-100_000, 100_000);
      default:
        return (float) random.nextDouble();
    }
  }

  /** Up to 20 significant digits, a fraction or not, an exponent or not, within float's range. */
  private static String randomDecimal(SplittableRandom random) {
    StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
    int whole = random.nextInt(0, 8);
    text.append(whole == 0 ? "0" : String.valueOf(random.nextInt(1, 10)));
    for (int d = 1; d < whole; d++) {
      text.append(random.nextInt(10));
    }
    int fraction = random.nextInt(0, 14);
    if (fraction > 0) {
      text.append('.');
      for (int d = 0; d < fraction; d++) {
        text.append(random.nextInt(10));
      }
    }
    if (random.nextBoolean()) {
      text.append(random.nextBoolean() ? 'e' : 'E').append(random.nextInt(-40, 31));
    }
    return text.toString();
  }

  /** One to three edits: a byte deleted, inserted from JSON's alphabet, or replaced by one. */
  private static byte[] mutate(byte[] record, SplittableRandom random) {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : record) {
      bytes.add(b);
    }
    for (int edits = random.nextInt(1, 4); edits > 0 && !bytes.isEmpty(); edits--) {
      int at = random.nextInt(bytes.size());
      byte b = (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      switch (random.nextInt(3)) {
        case 0:
          bytes.remove(at);
          break;
        case 1:
          bytes.add(at, b);
          break;
        default:
          bytes.set(at, b);
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] record) {
    return new String(record, StandardCharsets.UTF_8);
  }
}
