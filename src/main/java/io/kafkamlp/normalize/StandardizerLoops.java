package io.kafkamlp.normalize;

import io.kafkamlp.nn.kernel.MatrixKernels;

/**
 * The per-feature loops of {@link RunningStandardizer}, scalar and, when the Vector API is present
 * ({@link MatrixKernels#SIMD}), on it. Both do the same IEEE operations on each feature (in double,
 * no fused multiply-add), so they give the same bits; the scalar ones also finish what the vectors
 * leave over. A feature's {@code update} costs two divisions and its {@code transform} a division,
 * a square root and another division: scalar, the divider alone takes about 4.5 us per 784-feature
 * sample, which the vectors share four (AVX2) or eight ways.
 */
final class StandardizerLoops {

  private StandardizerLoops() {}

  /** Welford: {@code d = x - mean; mean += d / n; m2 += d (x - mean)}. */
  static void welford(float[] x, double[] mean, double[] m2, long count) {
    int from = MatrixKernels.SIMD ? SimdStandardizerLoops.welford(x, mean, m2, count) : 0;
    welford(x, mean, m2, count, from);
  }

  /**
   * Weighted: {@code d = x - mean; incr = alpha d; mean += incr; var = (1 - alpha)(var + d incr)}.
   */
  static void weighted(float[] x, double[] mean, double[] var, double alpha) {
    int from = MatrixKernels.SIMD ? SimdStandardizerLoops.weighted(x, mean, var, alpha) : 0;
    weighted(x, mean, var, alpha, from);
  }

  /**
   * {@code out = (float) ((x - mean) / scale)} with {@code variance = m2OrVar / divisor} and {@code
   * scale = variance < minVariance ? 1 : sqrt(variance)}.
   */
  static void transform(
      float[] x, float[] out, double[] mean, double[] m2OrVar, double divisor, double minVariance) {
    int from =
        MatrixKernels.SIMD
            ? SimdStandardizerLoops.transform(x, out, mean, m2OrVar, divisor, minVariance)
            : 0;
    transform(x, out, mean, m2OrVar, divisor, minVariance, from);
  }

  /** {@link #welford} on the scalar path from feature {@code from} on. */
  static void welford(float[] x, double[] mean, double[] m2, long count, int from) {
    for (int i = from; i < x.length; i++) {
      double d = x[i] - mean[i];
      mean[i] += d / count;
      m2[i] += d * (x[i] - mean[i]);
    }
  }

  /** {@link #weighted} on the scalar path from feature {@code from} on. */
  static void weighted(float[] x, double[] mean, double[] var, double alpha, int from) {
    double keep = 1.0 - alpha;
    for (int i = from; i < x.length; i++) {
      double d = x[i] - mean[i];
      double incr = alpha * d;
      mean[i] += incr;
      var[i] = keep * (var[i] + d * incr);
    }
  }

  /** {@link #transform} on the scalar path from feature {@code from} on. */
  static void transform(
      float[] x,
      float[] out,
      double[] mean,
      double[] m2OrVar,
      double divisor,
      double minVariance,
      int from) {
    for (int i = from; i < x.length; i++) {
      double variance = m2OrVar[i] / divisor;
      double scale = variance < minVariance ? 1.0 : Math.sqrt(variance);
      out[i] = (float) ((x[i] - mean[i]) / scale);
    }
  }
}
