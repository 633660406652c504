package io.kafkamlp.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Welford and weighted statistics against references, the transform, and the byte format. */
class RunningStandardizerTest {

  private static final long SEED = 42;

  /** Feature offsets: up to 1e6 away from 0, where sum-of-squares variance loses its digits. */
  private static final double[] OFFSETS = {0.0, 1e6, 1e6, -1e6, 5.0};

  /** Feature scales (standard deviations), 1e-3 .. 1e6. */
  private static final double[] SCALES = {1e-3, 1.0, 1e2, 1e4, 1e6};

  /** n samples of the five features above, as the float features a Sample carries. */
  private static float[][] data(int n, long seed) {
    Random random = new Random(seed);
    float[][] x = new float[n][OFFSETS.length];
    for (float[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (OFFSETS[i] + SCALES[i] * random.nextGaussian());
      }
    }
    return x;
  }

  /** Column i's mean by a plain sum, then its unbiased variance by the corrected two-pass sum. */
  private static double[] twoPass(float[][] x, int i) {
    int n = x.length;
    double sum = 0.0;
    for (float[] row : x) {
      sum += row[i];
    }
    double mean = sum / n;
    double squares = 0.0;
    double residuals = 0.0;
    for (float[] row : x) {
      double d = row[i] - mean;
      squares += d * d;
      residuals += d;
    }
    // Chan, Golub and LeVeque (1983), eq. 1.7: the residual sum corrects the mean's rounding.
    double variance = (squares - residuals * residuals / n) / (n - 1);
    return new double[] {mean, variance};
  }

  private static RunningStandardizer trained(float[][] x, double forgetting) {
    RunningStandardizer s = new RunningStandardizer(x[0].length, forgetting);
    for (float[] row : x) {
      s.update(row);
    }
    return s;
  }

  @Test
  void shouldMatchTwoPassStatisticsWhenExactOnWidelyScaledFeatures() {
    // Given
    float[][] x = data(10_000, SEED);

    // When
    RunningStandardizer s = trained(x, 0.0);

    // Then
    assertEquals(10_000, s.count());
    for (int i = 0; i < OFFSETS.length; i++) {
      double[] reference = twoPass(x, i);
      double meanError = Math.abs(s.mean(i) - reference[0]) / (Math.abs(reference[0]) + SCALES[i]);
      double varianceError = Math.abs(s.variance(i) - reference[1]) / reference[1];
      assertTrue(meanError < 1e-9, "feature " + i + " mean relative error " + meanError);
      assertTrue(
          varianceError < 1e-9, "feature " + i + " variance relative error " + varianceError);
    }
  }

  @Test
  void shouldBeatTheSumOfSquaresFormulaWhenTheOffsetDwarfsTheSpread() {
    // Given: feature 1, offset 1e6 and standard deviation 1
    float[][] x = data(10_000, SEED);
    double sum = 0.0;
    double sumOfSquares = 0.0;
    for (float[] row : x) {
      sum += row[1];
      sumOfSquares += (double) row[1] * row[1];
    }
    double naive = (sumOfSquares - sum * sum / x.length) / (x.length - 1);
    double reference = twoPass(x, 1)[1];

    // When
    RunningStandardizer s = trained(x, 0.0);

    // Then: the textbook formula cancels catastrophically, Welford does not
    assertTrue(Math.abs(naive - reference) / reference > 1e-6, "naive formula error too small");
    assertTrue(Math.abs(s.variance(1) - reference) / reference < 1e-9);
  }

  @Test
  void shouldGiveZeroMeanUnitVarianceWhenTransformingTheTrainingData() {
    // Given
    float[][] x = data(10_000, SEED);
    RunningStandardizer s = trained(x, 0.0);

    // When
    float[][] z = new float[x.length][OFFSETS.length];
    for (int r = 0; r < x.length; r++) {
      s.transform(x[r], z[r]);
    }

    // Then
    for (int i = 0; i < OFFSETS.length; i++) {
      double[] moments = twoPass(z, i);
      assertEquals(0.0, moments[0], 1e-6, "feature " + i + " mean");
      assertEquals(1.0, moments[1], 1e-5, "feature " + i + " variance");
    }
  }

  @Test
  void shouldTransformInPlaceWhenOutIsX() {
    // Given
    float[][] x = data(100, SEED);
    RunningStandardizer s = trained(x, 0.0);
    float[] expected = new float[OFFSETS.length];
    s.transform(x[7], expected);

    // When
    float[] inPlace = x[7].clone();
    s.transform(inPlace, inPlace);

    // Then
    assertArrayEquals(expected, inPlace);
  }

  @Test
  void shouldOnlyCentreWhenAFeatureIsConstant() {
    // Given: feature 0 always 5, feature 1 varying
    RunningStandardizer s = new RunningStandardizer(2, 0.0);
    for (int k = 0; k < 100; k++) {
      s.update(new float[] {5f, k});
    }
    float[] out = new float[2];

    // When
    s.transform(new float[] {7f, 49.5f}, out);

    // Then
    assertEquals(0.0, s.variance(0));
    assertEquals(1.0, s.scale(0));
    assertEquals(2f, out[0]); // 7 - 5, scale 1
    assertEquals(0f, out[1]); // 49.5 is the mean of 0..99
  }

  @Test
  void shouldBeTheIdentityBeforeTheFirstUpdateAndOnlyCentreAfterOne() {
    // Given
    RunningStandardizer s = new RunningStandardizer(2, 0.0);
    float[] out = new float[2];

    // When / Then: count 0, mean 0, scale 1
    s.transform(new float[] {3f, -4f}, out);
    assertArrayEquals(new float[] {3f, -4f}, out);

    // When / Then: count 1, variance undefined, scale 1
    s.update(new float[] {1f, 1f});
    s.transform(new float[] {3f, -4f}, out);
    assertEquals(0.0, s.variance(0));
    assertArrayEquals(new float[] {2f, -5f}, out);
  }

  @Test
  void shouldFollowWelfordByHandForThreeUpdates() {
    // Given
    RunningStandardizer s = new RunningStandardizer(1, 0.0);

    // When
    s.update(new float[] {2f});
    s.update(new float[] {4f});
    s.update(new float[] {7f});

    // Then: mean 13/3; variance ((7/3)^2 + (1/3)^2 + (8/3)^2) / 2 = 114/18
    assertEquals(13.0 / 3.0, s.mean(0), 1e-15);
    assertEquals(114.0 / 18.0, s.variance(0), 1e-14);
  }

  @Test
  void shouldFollowTheWeightedFormulasByHandForThreeUpdates() {
    // Given: alpha = 0.1; feature 1 constant
    RunningStandardizer s = new RunningStandardizer(2, 0.1);

    // When / Then
    s.update(new float[] {2f, -1f});
    // first sample: mean = x, var = 0
    assertEquals(2.0, s.mean(0));
    assertEquals(0.0, s.variance(0));

    s.update(new float[] {4f, -1f});
    // d = 2, incr = 0.2, mean = 2.2, var = 0.9 (0 + 2 * 0.2) = 0.36
    assertEquals(2.2, s.mean(0), 1e-15);
    assertEquals(0.36, s.variance(0), 1e-15);

    s.update(new float[] {7f, -1f});
    // d = 4.8, incr = 0.48, mean = 2.68, var = 0.9 (0.36 + 4.8 * 0.48) = 2.3976
    assertEquals(2.68, s.mean(0), 1e-14);
    assertEquals(2.3976, s.variance(0), 1e-14);
    assertEquals(-1.0, s.mean(1));
    assertEquals(0.0, s.variance(1));
    assertEquals(3, s.count());
  }

  @Test
  void shouldTrackANewLevelWhenForgettingAndNotWhenExact() {
    // Given: 2000 samples around 0, then 1000 around 100, unit noise
    Random random = new Random(SEED);
    RunningStandardizer weighted = new RunningStandardizer(1, 0.01);
    RunningStandardizer exact = new RunningStandardizer(1, 0.0);

    // When
    for (int k = 0; k < 3000; k++) {
      float[] x = {(float) ((k < 2000 ? 0.0 : 100.0) + random.nextGaussian())};
      weighted.update(x);
      exact.update(x);
    }

    // Then: within 1% of the new level after 1000 samples (old level weighs 0.99^1000 = 4e-5)
    assertEquals(100.0, weighted.mean(0), 1.0);
    assertTrue(weighted.variance(0) < 2.0, "variance " + weighted.variance(0));
    assertEquals(100.0 / 3.0, exact.mean(0), 0.1);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.05})
  void shouldContinueBitForBitWhenRestoredFromBytes(double forgetting) {
    // Given
    float[][] x = data(1000, SEED);
    RunningStandardizer original = trained(Arrays.copyOf(x, 500), forgetting);

    // When
    byte[] bytes = original.toBytes();
    RunningStandardizer restored = RunningStandardizer.fromBytes(bytes);

    // Then
    assertEquals(original.serializedSize(), bytes.length);
    assertArrayEquals(bytes, restored.toBytes());
    assertEquals(forgetting, restored.forgetting());
    assertEquals(500, restored.count());
    for (int r = 500; r < 1000; r++) {
      original.update(x[r]);
      restored.update(x[r]);
    }
    for (int i = 0; i < OFFSETS.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(original.mean(i)),
          Double.doubleToRawLongBits(restored.mean(i)));
      assertEquals(
          Double.doubleToRawLongBits(original.variance(i)),
          Double.doubleToRawLongBits(restored.variance(i)));
    }
    assertArrayEquals(original.toBytes(), restored.toBytes());
  }

  @Test
  void shouldReadItsOwnBytesWhenEmbeddedInALargerRecord() throws IOException {
    // Given
    RunningStandardizer original = trained(data(50, SEED), 0.0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1234);
      original.writeTo(out);
      out.writeLong(-5L);
    }

    // When
    RunningStandardizer restored;
    long trailer;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(1234, in.readInt());
      restored = RunningStandardizer.readFrom(in);
      trailer = in.readLong();
    }

    // Then
    assertArrayEquals(original.toBytes(), restored.toBytes());
    assertEquals(-5L, trailer);
  }

  @Test
  void shouldRejectEveryTruncationAndTrailingBytes() throws IOException {
    // Given
    byte[] bytes = trained(data(10, SEED), 0.0).toBytes();

    // When / Then
    for (int n = 0; n < bytes.length; n++) {
      byte[] prefix = Arrays.copyOf(bytes, n);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RunningStandardizer.fromBytes(prefix));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunningStandardizer.fromBytes(longer));
    assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3)))) {
      assertThrows(EOFException.class, () -> RunningStandardizer.readFrom(in));
    }
  }

  /** Byte offsets of the fields of format version 1. */
  private static final int VERSION_AT = 4;

  private static final int FEATURES_AT = 6;
  private static final int FORGETTING_AT = 10;
  private static final int COUNT_AT = 18;
  private static final int MEAN_AT = 26;

  @Test
  void shouldRejectCorruptFieldsWithAClearMessage() {
    // Given
    byte[] good = trained(data(10, SEED), 0.0).toBytes();
    int m2At = MEAN_AT + 8 * OFFSETS.length;

    // When / Then
    assertCorrupt(good, b -> b.putInt(0, 0x4B4D4C50), "magic");
    assertCorrupt(good, b -> b.putShort(VERSION_AT, (short) 2), "version 2");
    assertCorrupt(good, b -> b.putInt(FEATURES_AT, 0), "0 features");
    assertCorrupt(good, b -> b.putInt(FEATURES_AT, -7), "-7 features");
    assertCorrupt(good, b -> b.putDouble(FORGETTING_AT, 1.0), "forgetting 1.0");
    assertCorrupt(good, b -> b.putDouble(FORGETTING_AT, Double.NaN), "forgetting NaN");
    assertCorrupt(good, b -> b.putLong(COUNT_AT, -1L), "count -1");
    assertCorrupt(good, b -> b.putDouble(MEAN_AT + 8, Double.NaN), "mean[1] = NaN");
    assertCorrupt(good, b -> b.putDouble(MEAN_AT, Double.POSITIVE_INFINITY), "mean[0] = Infinity");
    assertCorrupt(good, b -> b.putDouble(m2At + 16, -1.0), "M2[2] = -1.0");
    assertCorrupt(good, b -> b.putInt(FEATURES_AT, 6), "truncated");
    assertCorrupt(good, b -> b.putInt(FEATURES_AT, 4), "trailing");
  }

  private interface Corruption {
    void apply(ByteBuffer bytes);
  }

  private static void assertCorrupt(byte[] good, Corruption corruption, String message) {
    byte[] bad = good.clone();
    corruption.apply(ByteBuffer.wrap(bad)); // big-endian, as DataOutput
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunningStandardizer.fromBytes(bad));
    assertTrue(
        e.getMessage().contains(message), "'" + e.getMessage() + "' lacks '" + message + "'");
  }

  @Test
  void shouldRejectInvalidArguments() {
    assertThrows(IllegalArgumentException.class, () -> new RunningStandardizer(0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RunningStandardizer(RunningStandardizer.MAX_FEATURES + 1, 0.0));
    assertThrows(IllegalArgumentException.class, () -> new RunningStandardizer(3, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new RunningStandardizer(3, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new RunningStandardizer(3, Double.NaN));

    RunningStandardizer s = new RunningStandardizer(3, 0.0);
    assertThrows(IllegalArgumentException.class, () -> s.update(new float[2]));
    assertThrows(IllegalArgumentException.class, () -> s.transform(new float[3], new float[4]));
    assertThrows(IllegalArgumentException.class, () -> s.transform(new float[4], new float[3]));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.05})
  void shouldTransformRowsToTheBitsOfTransformingEach(double forgetting) {
    // a batch of samples after their updates, at an offset in a larger array, in place
    float[][] x = data(33, SEED);
    RunningStandardizer s = trained(x, forgetting);
    int features = OFFSETS.length;
    float[] rows = new float[features * 36];
    for (int r = 0; r < x.length; r++) {
      System.arraycopy(x[r], 0, rows, (r + 2) * features, features);
    }
    float[] before = rows.clone();

    s.transformRows(rows, 2 * features, 33);

    for (int r = 0; r < x.length; r++) {
      float[] expected = new float[features];
      s.transform(x[r], expected);
      assertArrayEquals(
          expected,
          Arrays.copyOfRange(rows, (r + 2) * features, (r + 3) * features),
          "sample " + r);
    }
    assertArrayEquals(
        Arrays.copyOfRange(before, 0, 2 * features), Arrays.copyOfRange(rows, 0, 2 * features));
    assertArrayEquals(
        Arrays.copyOfRange(before, 35 * features, rows.length),
        Arrays.copyOfRange(rows, 35 * features, rows.length));
    assertThrows(IllegalArgumentException.class, () -> s.transformRows(rows, 4 * features, 33));
    assertThrows(IllegalArgumentException.class, () -> s.transformRows(rows, -1, 1));
  }

  @Test
  void shouldTransformWithTheStatisticsAsTheyAreAfterEveryUpdate() {
    // the kept centres and inverse scales follow each update, and a state read back
    float[][] x = data(20, SEED);
    RunningStandardizer s = new RunningStandardizer(OFFSETS.length, 0.0);
    for (float[] sample : x) {
      s.update(sample);
      float[] kept = new float[OFFSETS.length];
      s.transform(x[0], kept);
      float[] fresh = new float[OFFSETS.length];
      RunningStandardizer.fromBytes(s.toBytes()).transform(x[0], fresh);
      assertArrayEquals(fresh, kept);
    }
  }

  @ParameterizedTest(name = "{0} at forgetting {1}")
  @CsvSource({"NaN, 0", "Infinity, 0", "-Infinity, 0", "NaN, 0.05", "-Infinity, 0.05"})
  void shouldLeaveTheStatisticsUnchangedWhenASampleIsNotFinite(float bad, double forgetting) {
    // Given
    RunningStandardizer s = trained(data(10, SEED), forgetting);
    byte[] before = s.toBytes();

    // When
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> s.update(new float[] {1f, 2f, bad, 4f, 5f}));

    // Then
    assertTrue(e.getMessage().contains("feature 2 is not finite: " + bad), e.getMessage());
    assertArrayEquals(before, s.toBytes());
  }

  /**
   * The loop of transform is its contract, term by term, to the bit: ((x - c) - (float) (mean(i) -
   * c)) * (float) (1 / scale(i)) with c = (float) mean(i), in float.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.05})
  void transformIsExactlyMeanAndScaleAtEveryCount(double forgetting) {
    Random random = new Random(3);
    RunningStandardizer s = new RunningStandardizer(50, forgetting);
    for (int n = 0; n < 40; n++) {
      float[] x = new float[50];
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 7 == 0 ? 1.5f : (float) (random.nextGaussian() * (i + 1) + i);
      }
      float[] out = new float[50];
      s.transform(x, out);
      for (int i = 0; i < x.length; i++) {
        float c = (float) s.mean(i);
        float expected = ((x[i] - c) - (float) (s.mean(i) - c)) * (float) (1 / s.scale(i));
        assertEquals(
            Float.floatToRawIntBits(expected),
            Float.floatToRawIntBits(out[i]),
            "feature " + i + " after " + n + " samples");
      }
      s.update(x);
    }
  }
}
