package io.kafkamlp.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The split loops against the plain formulas, one loop each (below), bit for bit: feature counts
 * around the widths C2 vectorizes with and Fashion-MNIST's 784; features far off zero and widely
 * scaled, every seventh constant (a variance under the minimum: only centred).
 */
class StandardizerLoopsTest {

  private static final double MIN_VARIANCE = RunningStandardizer.MIN_VARIANCE;

  @ParameterizedTest(name = "{0} features")
  @ValueSource(ints = {1, 3, 4, 5, 8, 13, 784, 785})
  void shouldGiveThePlainFormulasBitsWhenExact(int features) {
    Random random = new Random(features);
    double[] mean = new double[features];
    double[] m2 = new double[features];
    double[] plainMean = new double[features];
    double[] plainM2 = new double[features];
    float[] out = new float[features];
    float[] plainOut = new float[features];
    double[] wide = new double[features];
    double[] scale = new double[features];
    for (long count = 1; count <= 50; count++) {
      float[] x = sample(features, random);
      assertTrue(StandardizerLoops.widenFinite(x, wide, features));
      StandardizerLoops.welford(wide, mean, m2, count, features);
      for (int i = 0; i < features; i++) {
        double d = x[i] - plainMean[i];
        plainMean[i] += d / count;
        plainM2[i] += d * (x[i] - plainMean[i]);
      }
      double divisor = count > 1 ? count - 1 : Double.POSITIVE_INFINITY;
      transform(x, out, mean, m2, divisor, scale);
      plainTransform(x, plainOut, plainMean, plainM2, divisor);
      assertBits(plainMean, mean, "mean after " + count);
      assertBits(plainM2, m2, "M2 after " + count);
      assertArrayEquals(plainOut, out, "transform after " + count);
    }
  }

  @ParameterizedTest(name = "{0} features")
  @ValueSource(ints = {1, 3, 4, 5, 8, 13, 784, 785})
  void shouldGiveThePlainFormulasBitsWhenWeighted(int features) {
    Random random = new Random(features + 1000L);
    double alpha = 0.01;
    double[] mean = new double[features];
    double[] var = new double[features];
    double[] plainMean = new double[features];
    double[] plainVar = new double[features];
    float[] plainOut = new float[features];
    double[] wide = new double[features];
    double[] scale = new double[features];
    for (int step = 0; step < 50; step++) {
      float[] x = sample(features, random);
      assertTrue(StandardizerLoops.widenFinite(x, wide, features));
      StandardizerLoops.weighted(wide, mean, var, alpha, features);
      for (int i = 0; i < features; i++) {
        double d = x[i] - plainMean[i];
        double incr = alpha * d;
        plainMean[i] += incr;
        plainVar[i] = (1.0 - alpha) * (plainVar[i] + d * incr);
      }
      plainTransform(x, plainOut, plainMean, plainVar, 1.0);
      transform(x, x, mean, var, 1.0, scale); // in place
      assertBits(plainMean, mean, "mean after " + step);
      assertBits(plainVar, var, "variance after " + step);
      assertArrayEquals(plainOut, x, "transform in place after " + step);
    }
  }

  /**
   * The check in the widening loop, against {@link Float#isFinite} at every position of a vector's
   * width and past it: each kind of value that is not finite (both infinities, the canonical NaN, a
   * NaN with its sign set and the NaN with every payload bit) found wherever it is, and the
   * extremes of the finite ones (the largest, the smallest subnormal, both zeros) let through.
   */
  @ParameterizedTest(name = "{0} features")
  @ValueSource(ints = {1, 15, 16, 17, 784})
  void shouldFindAValueThatIsNotFiniteAnywhere(int features) {
    float[] bad = {
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      Float.intBitsToFloat(0xffc00000),
      Float.intBitsToFloat(0x7fffffff)
    };
    float[] good = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 0f, -0f};
    double[] wide = new double[features];
    for (int at = 0; at < features; at++) {
      for (float g : good) {
        float[] x = new float[features];
        Arrays.fill(x, 3f);
        x[at] = g;
        assertTrue(StandardizerLoops.widenFinite(x, wide, features), g + " at " + at);
        assertEquals(g, (float) wide[at], "widened " + g);
      }
      for (float b : bad) {
        float[] x = new float[features];
        x[at] = b;
        assertFalse(StandardizerLoops.widenFinite(x, wide, features), b + " at " + at);
      }
    }
  }

  /** The split loops' transform: {@link StandardizerLoops#scales}, then its standardize loop. */
  private static void transform(
      float[] x, float[] out, double[] mean, double[] m2OrVar, double divisor, double[] scale) {
    int n = x.length;
    float[] centre = new float[n];
    float[] centreLow = new float[n];
    float[] inverseScale = new float[n];
    StandardizerLoops.scales(
        mean, m2OrVar, divisor, MIN_VARIANCE, scale, centre, centreLow, inverseScale);
    StandardizerLoops.standardize(x, 0, out, 0, centre, centreLow, inverseScale, n);
  }

  private static void plainTransform(
      float[] x, float[] out, double[] mean, double[] m2OrVar, double divisor) {
    for (int i = 0; i < x.length; i++) {
      double variance = m2OrVar[i] / divisor;
      double scale = variance < MIN_VARIANCE ? 1.0 : Math.sqrt(variance);
      float centre = (float) mean[i];
      out[i] = ((x[i] - centre) - (float) (mean[i] - centre)) * (float) (1 / scale);
    }
  }

  /** Offsets up to 1e6, scales 1e-3 .. 1e4; every seventh feature constant. */
  private static float[] sample(int features, Random random) {
    float[] x = new float[features];
    for (int i = 0; i < features; i++) {
      double offset = (i % 3 - 1) * 1e6;
      x[i] =
          i % 7 == 6 ? 3.25f : (float) (offset + Math.pow(10, i % 8 - 3) * random.nextGaussian());
    }
    return x;
  }

  private static void assertBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(actual[i]),
          what + ", feature " + i + ": " + expected[i] + " vs " + actual[i]);
    }
  }
}
