package io.kafkamlp.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The products against a naive double-precision reference, and the SIMD kernels against the scalar
 * ones bit for bit.
 *
 * <p>Shapes are (n x k) times (k x m); they cover a single element, rows that are not a multiple of
 * the 4-row tile, columns below, at and not a multiple of the 2-vector tile width (16 floats with
 * AVX2, 32 with AVX-512), a slice of the 784-256 first layer, and single rows as serving multiplies
 * them (one sample through the 784-256 layer; two through the 128-10 output layer), and column
 * counts that leave room for a one-vector tile past the last two-vector one (the output layer's
 * forward and {@code dW} at batch 32; 24 and 41 columns).
 */
class MatrixKernelsTest {

  private static final double REL_TOL = 1e-5;

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(1, 1, 1),
        Arguments.of(3, 5, 7),
        Arguments.of(4, 3, 16),
        Arguments.of(5, 17, 19),
        Arguments.of(8, 9, 32),
        Arguments.of(7, 2, 33),
        Arguments.of(33, 70, 37),
        Arguments.of(12, 40, 64),
        Arguments.of(13, 784, 50),
        Arguments.of(32, 1, 17),
        Arguments.of(1, 784, 256),
        Arguments.of(2, 128, 10),
        Arguments.of(32, 128, 10),
        Arguments.of(128, 32, 10),
        Arguments.of(12, 40, 24),
        Arguments.of(9, 30, 41));
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldMatchNaiveReferenceWhenMultiplyingWithBias(int n, int k, int m) {
    // Given
    Random random = new Random(1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj bias = random(1, m, random);
    FMatrixRMaj c = new FMatrixRMaj(n, m);

    // When
    MatrixKernels.mult(a, b, bias, c);

    // Then
    double[][] expected = new double[n][m];
    double[][] scale = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double sum = bias.get(0, j);
        double abs = Math.abs(bias.get(0, j));
        for (int p = 0; p < k; p++) {
          sum += (double) a.get(i, p) * b.get(p, j);
          abs += Math.abs((double) a.get(i, p) * b.get(p, j));
        }
        expected[i][j] = sum;
        scale[i][j] = abs;
      }
    }
    assertClose(expected, scale, c);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldMatchNaiveReferenceWhenMultiplyingWithoutBias(int n, int k, int m) {
    // Given
    Random random = new Random(7L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj c = new FMatrixRMaj(n, m);
    java.util.Arrays.fill(c.data, Float.NaN);

    // When
    MatrixKernels.mult(a, b, null, c);

    // Then
    double[][] expected = new double[n][m];
    double[][] scale = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        for (int p = 0; p < k; p++) {
          expected[i][j] += (double) a.get(i, p) * b.get(p, j);
          scale[i][j] += Math.abs((double) a.get(i, p) * b.get(p, j));
        }
      }
    }
    assertClose(expected, scale, c);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldMatchNaiveReferenceWhenMultiplyingTransposedA(int n, int k, int m) {
    // Given: A is stored (k x n), C = A^T B is (n x m)
    Random random = new Random(13L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(k, n, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj c = new FMatrixRMaj(n, m);
    java.util.Arrays.fill(c.data, Float.NaN);

    // When
    MatrixKernels.multTransA(a, b, c);

    // Then
    double[][] expected = new double[n][m];
    double[][] scale = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        for (int p = 0; p < k; p++) {
          expected[i][j] += (double) a.get(p, i) * b.get(p, j);
          scale[i][j] += Math.abs((double) a.get(p, i) * b.get(p, j));
        }
      }
    }
    assertClose(expected, scale, c);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldBeBitIdenticalToScalarKernelWhenSimdMultiplies(int n, int k, int m) {
    // Given
    assumeTrue(MatrixKernels.SIMD, "surefire runs with --add-modules jdk.incubator.vector");
    Random random = new Random(17L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj bias = random(1, m, random);
    FMatrixRMaj simd = new FMatrixRMaj(n, m);
    float[] scalar = new float[n * m];

    // When
    MatrixKernels.mult(a, b, bias, simd);
    ScalarKernels.product(a.data, k, 1, b.data, bias.data, scalar, 0, n, 0, k, m);

    // Then
    assertBitIdentical(scalar, simd);
  }

  /**
   * A matrix EJML shrank keeps its longer array: the partial tile's whole vectors then read past
   * the last row into values that are not the matrix's (NaN here), which must not reach the result.
   */
  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldIgnoreWhatLiesPastTheMatrixWhenItsArrayIsLonger(int n, int k, int m) {
    // Given: B in an array 64 floats longer than it, the rest NaN
    Random random = new Random(23L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj bias = random(1, m, random);
    FMatrixRMaj longer = new FMatrixRMaj(1, k * m + 64);
    Arrays.fill(longer.data, Float.NaN);
    longer.reshape(k, m);
    System.arraycopy(b.data, 0, longer.data, 0, k * m);
    FMatrixRMaj expected = new FMatrixRMaj(n, m);
    FMatrixRMaj actual = new FMatrixRMaj(n, m);

    // When
    MatrixKernels.mult(a, b, bias, expected);
    MatrixKernels.mult(a, longer, bias, actual);

    // Then
    assertBitIdentical(expected.data, actual);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldBeBitIdenticalToScalarKernelWhenSimdMultipliesWithoutBias(int n, int k, int m) {
    // Given
    assumeTrue(MatrixKernels.SIMD, "surefire runs with --add-modules jdk.incubator.vector");
    Random random = new Random(19L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj simd = new FMatrixRMaj(n, m);
    float[] scalar = new float[n * m];

    // When
    MatrixKernels.mult(a, b, null, simd);
    ScalarKernels.product(a.data, k, 1, b.data, null, scalar, 0, n, 0, k, m);

    // Then
    assertBitIdentical(scalar, simd);
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldBeBitIdenticalToScalarKernelWhenSimdMultipliesTransposedA(int n, int k, int m) {
    // Given: A stored (k x n), so op(A)(i, p) = a[i * 1 + p * n]
    assumeTrue(MatrixKernels.SIMD, "surefire runs with --add-modules jdk.incubator.vector");
    Random random = new Random(23L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(k, n, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj simd = new FMatrixRMaj(n, m);
    float[] scalar = new float[n * m];

    // When
    MatrixKernels.multTransA(a, b, simd);
    ScalarKernels.product(a.data, 1, n, b.data, null, scalar, 0, n, 0, k, m);

    // Then
    assertBitIdentical(scalar, simd);
  }

  @Test
  void shouldRunSimdKernelsWhenTheVectorModuleIsAdded() {
    // Given: surefire's argLine adds jdk.incubator.vector; a silent fallback would hide the
    // SIMD path from every bit-identity test above.
    boolean modulePresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    // When
    boolean simd = MatrixKernels.SIMD;

    // Then
    assumeTrue(!Boolean.getBoolean("kafkamlp.noSimd"));
    assertTrue(modulePresent, "surefire should run with --add-modules jdk.incubator.vector");
    assertTrue(simd);
  }

  @Test
  void shouldFollowTheDocumentedFmaOrderWhenComputingOneElement() {
    // Given: values where a plain multiply-then-add chain rounds differently from an fma chain
    Random random = new Random(29L);
    int k = 257;
    FMatrixRMaj a = random(5, k, random);
    FMatrixRMaj b = random(k, 18, random);
    FMatrixRMaj bias = random(1, 18, random);
    FMatrixRMaj c = new FMatrixRMaj(5, 18);

    // When
    MatrixKernels.mult(a, b, bias, c);

    // Then: each element is c = fma(a_p, b_p, c) for p = 0, 1, ... starting from the bias
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 18; j++) {
        float sum = bias.get(0, j);
        for (int p = 0; p < k; p++) {
          sum = Math.fma(a.get(i, p), b.get(p, j), sum);
        }
        assertEquals(
            Float.floatToRawIntBits(sum),
            Float.floatToRawIntBits(c.get(i, j)),
            "element (" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void shouldRejectWhenInnerDimensionsDiffer() {
    // Given
    FMatrixRMaj a = new FMatrixRMaj(3, 4);
    FMatrixRMaj b = new FMatrixRMaj(5, 2);
    FMatrixRMaj c = new FMatrixRMaj(3, 2);

    // When / Then
    assertThrows(IllegalArgumentException.class, () -> MatrixKernels.mult(a, b, null, c));
  }

  @Test
  void shouldRejectWhenOutputRowsDiffer() {
    // Given
    FMatrixRMaj a = new FMatrixRMaj(3, 4);
    FMatrixRMaj b = new FMatrixRMaj(4, 2);
    FMatrixRMaj c = new FMatrixRMaj(2, 2);

    // When / Then
    assertThrows(IllegalArgumentException.class, () -> MatrixKernels.mult(a, b, null, c));
  }

  @Test
  void shouldRejectWhenOutputColumnsDiffer() {
    // Given
    FMatrixRMaj a = new FMatrixRMaj(3, 4);
    FMatrixRMaj b = new FMatrixRMaj(4, 2);
    FMatrixRMaj c = new FMatrixRMaj(3, 3);

    // When / Then
    assertThrows(IllegalArgumentException.class, () -> MatrixKernels.mult(a, b, null, c));
  }

  @Test
  void shouldRejectWhenTransposedShapesDiffer() {
    // Given: A is stored (3x4), so A^T is (4x3): B must have 3 rows and C must have 4
    FMatrixRMaj a = new FMatrixRMaj(3, 4);
    FMatrixRMaj wrongB = new FMatrixRMaj(4, 2);
    FMatrixRMaj wrongC = new FMatrixRMaj(3, 2);
    FMatrixRMaj b = new FMatrixRMaj(3, 2);

    // When / Then
    assertThrows(
        IllegalArgumentException.class,
        () -> MatrixKernels.multTransA(a, wrongB, new FMatrixRMaj(4, 2)));
    assertThrows(IllegalArgumentException.class, () -> MatrixKernels.multTransA(a, b, wrongC));
  }

  @Test
  void shouldLeaveInputsUnchangedWhenMultiplying() {
    // Given
    Random random = new Random(31L);
    FMatrixRMaj a = random(6, 9, random);
    FMatrixRMaj b = random(9, 20, random);
    FMatrixRMaj bias = random(1, 20, random);
    float[] aCopy = a.data.clone();
    float[] bCopy = b.data.clone();
    float[] biasCopy = bias.data.clone();

    // When
    MatrixKernels.mult(a, b, bias, new FMatrixRMaj(6, 20));
    MatrixKernels.multTransA(b, new FMatrixRMaj(9, 4), new FMatrixRMaj(20, 4));

    // Then
    assertArrayEquals(aCopy, a.data);
    assertArrayEquals(bCopy, b.data);
    assertArrayEquals(biasCopy, bias.data);
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {0, 1, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 80, 100, 127, 129, 1000})
  void shouldFindTheLargestMagnitudeWhenAnyLengthIsScanned(int n) {
    // Given: the largest magnitude negative, at each position in turn (each of the four vector
    // chains, the single vectors after them, the plain tail)
    Random random = new Random(29L + n);
    for (int at = 0; at < n; at++) {
      FMatrixRMaj m = random(1, n, random);
      m.data[at] = -3f;

      // When
      float max = MatrixKernels.maxAbs(m);

      // Then
      assertEquals(3f, max, "largest at " + at + " of " + n);
      float plain = 0f;
      for (float x : m.data) {
        plain = Math.max(plain, Math.abs(x));
      }
      assertEquals(plain, max);
    }
    assertEquals(0f, MatrixKernels.maxAbs(new FMatrixRMaj(1, n)));
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 16, 17, 64, 100, 129})
  void shouldReportNanOrInfinityWhenAnElementIsNotFinite(int n) {
    Random random = new Random(31L + n);
    for (int at = 0; at < n; at++) {
      FMatrixRMaj m = random(1, n, random);

      m.data[at] = Float.NaN;
      assertTrue(Float.isNaN(MatrixKernels.maxAbs(m)), "NaN at " + at + " of " + n);

      m.data[at] = Float.NEGATIVE_INFINITY;
      assertEquals(Float.POSITIVE_INFINITY, MatrixKernels.maxAbs(m), "-inf at " + at);
    }
  }

  private static FMatrixRMaj random(int rows, int cols, Random random) {
    FMatrixRMaj m = new FMatrixRMaj(rows, cols);
    for (int i = 0; i < m.data.length; i++) {
      m.data[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return m;
  }

  /**
   * The ReLU's gradient, element by element against its formula, bit for bit: lengths below, at and
   * past the vector width (and the default model's 32 x 256 layer), pre-activations of every sign
   * and kind (+0, -0, the smallest subnormals, infinities, NaN) and upstream gradients including
   * NaN and infinities, which pass where the unit is active and give +0 where it is not; in place
   * ({@code dz} the same array as {@code da}) too.
   */
  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 7, 15, 16, 17, 31, 33, 8192})
  void shouldPassTheGradientExactlyWhereTheUnitIsActive(int n) {
    // Given
    float[] special = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      1f,
      -1f
    };
    Random random = new Random(n);
    float[] z = new float[n];
    float[] da = new float[n];
    for (int i = 0; i < n; i++) {
      z[i] = i % 3 == 0 ? special[random.nextInt(special.length)] : (float) random.nextGaussian();
      da[i] = i % 5 == 0 ? special[random.nextInt(special.length)] : (float) random.nextGaussian();
    }
    float[] expected = new float[n];
    for (int i = 0; i < n; i++) {
      expected[i] = z[i] > 0f ? da[i] : 0f;
    }

    // When
    float[] dz = new float[n];
    MatrixKernels.reluGradient(z, da, dz, n);
    float[] inPlace = da.clone();
    MatrixKernels.reluGradient(z, inPlace, inPlace, n);

    // Then
    for (int i = 0; i < n; i++) {
      int want = Float.floatToRawIntBits(expected[i]);
      assertEquals(want, Float.floatToRawIntBits(dz[i]), "z " + z[i] + ", da " + da[i]);
      assertEquals(want, Float.floatToRawIntBits(inPlace[i]), "in place at " + i);
    }
  }

  /**
   * Relative to the sum of absolute terms: cancellation can make the exact result arbitrarily
   * small, while float rounding error is bounded by that sum.
   */
  private static void assertClose(double[][] expected, double[][] scale, FMatrixRMaj actual) {
    assertEquals(expected.length, actual.numRows);
    assertEquals(expected[0].length, actual.numCols);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double tol = REL_TOL * Math.max(scale[i][j], 1e-30);
        double got = actual.get(i, j);
        if (!(Math.abs(got - expected[i][j]) <= tol)) {
          fail("element (" + i + ", " + j + "): expected " + expected[i][j] + " got " + got);
        }
      }
    }
  }

  private static void assertBitIdentical(float[] expected, FMatrixRMaj actual) {
    for (int i = 0; i < expected.length; i++) {
      int want = Float.floatToRawIntBits(expected[i]);
      int got = Float.floatToRawIntBits(actual.data[i]);
      if (want != got) {
        fail(
            "element ("
                + i / actual.numCols
                + ", "
                + i % actual.numCols
                + "): scalar "
                + expected[i]
                + " simd "
                + actual.data[i]);
      }
    }
  }
}
