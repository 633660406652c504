package io.kafkamlp.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkamlp.nn.kernel.MatrixKernels;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standardizer's loops with the Vector API (as the tests run them) against the scalar loops,
 * bit for bit, over feature counts below, at and not a multiple of a vector (4 doubles with AVX2, 8
 * with AVX-512) and Fashion-MNIST's 784; features far off zero and widely scaled, some constant (a
 * variance under the minimum, which is only centred).
 */
class StandardizerLoopsTest {

  private static final double MIN_VARIANCE = RunningStandardizer.MIN_VARIANCE;

  @ParameterizedTest(name = "{0} features")
  @ValueSource(ints = {1, 3, 4, 5, 8, 13, 784, 785})
  void shouldGiveTheScalarBitsWhenExact(int features) {
    Random random = new Random(features);
    double[] meanScalar = new double[features];
    double[] m2Scalar = new double[features];
    double[] meanSimd = new double[features];
    double[] m2Simd = new double[features];
    float[] outScalar = new float[features];
    float[] outSimd = new float[features];
    for (long count = 1; count <= 50; count++) {
      float[] x = sample(features, random);
      StandardizerLoops.welford(x, meanScalar, m2Scalar, count, 0);
      StandardizerLoops.welford(x, meanSimd, m2Simd, count);
      double divisor = count > 1 ? count - 1 : Double.POSITIVE_INFINITY;
      StandardizerLoops.transform(x, outScalar, meanScalar, m2Scalar, divisor, MIN_VARIANCE, 0);
      StandardizerLoops.transform(x, outSimd, meanSimd, m2Simd, divisor, MIN_VARIANCE);
      assertBits(meanScalar, meanSimd, "mean after " + count);
      assertBits(m2Scalar, m2Simd, "M2 after " + count);
      assertArrayEquals(outScalar, outSimd, "transform after " + count);
    }
  }

  @ParameterizedTest(name = "{0} features")
  @ValueSource(ints = {1, 3, 4, 5, 8, 13, 784, 785})
  void shouldGiveTheScalarBitsWhenWeighted(int features) {
    Random random = new Random(features + 1000L);
    double[] meanScalar = new double[features];
    double[] varScalar = new double[features];
    double[] meanSimd = new double[features];
    double[] varSimd = new double[features];
    float[] outScalar = new float[features];
    for (int step = 0; step < 50; step++) {
      float[] x = sample(features, random);
      StandardizerLoops.weighted(x, meanScalar, varScalar, 0.01, 0);
      StandardizerLoops.weighted(x, meanSimd, varSimd, 0.01);
      StandardizerLoops.transform(x, outScalar, meanScalar, varScalar, 1.0, MIN_VARIANCE, 0);
      StandardizerLoops.transform(x, x, meanSimd, varSimd, 1.0, MIN_VARIANCE); // in place
      assertBits(meanScalar, meanSimd, "mean after " + step);
      assertBits(varScalar, varSimd, "variance after " + step);
      assertArrayEquals(outScalar, x, "transform in place after " + step);
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

  @Test
  void shouldRunWithTheVectorApiInTheseTests() {
    assertEquals(true, MatrixKernels.SIMD, "surefire adds jdk.incubator.vector");
  }
}
