package io.kafkamlp.normalize;

/**
 * The per-feature loops of {@link RunningStandardizer}, split so that C2 vectorizes the arithmetic:
 * a loop that converts between float and double (which C2 of Java 17 does not vectorize) is kept
 * apart from the divisions and square roots on doubles (which it does), through scratch arrays of
 * doubles. Each feature still gets exactly the IEEE operations of the plain formulas, in double and
 * without fused multiply-adds, so the bits are those of one loop per formula. A feature's update
 * costs a division and its transform a division, a square root and another division: in one loop
 * each, the divider alone took about 4.5 us per 784-feature sample.
 *
 * <p>Not on the Vector API on purpose: a second vector shape there (the float half of a double
 * vector) let a recompilation of the matrix kernels, after a deoptimization, lose their intrinsics
 * and run ten times slower (JFR started in a running pipeline did it twice in two runs).
 */
final class StandardizerLoops {

  private StandardizerLoops() {}

  /**
   * Welford: {@code d = x - mean; mean += d / n; m2 += d (x - mean)}.
   *
   * @param wide scratch, at least {@code x.length} long; holds {@code x} as doubles afterwards
   */
  static void welford(float[] x, double[] mean, double[] m2, long count, double[] wide) {
    int n = x.length;
    widen(x, wide, n);
    for (int i = 0; i < n; i++) {
      double d = wide[i] - mean[i];
      double m = mean[i] + d / count;
      mean[i] = m;
      m2[i] += d * (wide[i] - m);
    }
  }

  /**
   * Weighted: {@code d = x - mean; incr = alpha d; mean += incr; var = (1 - alpha)(var + d incr)}.
   *
   * @param wide scratch, at least {@code x.length} long; holds {@code x} as doubles afterwards
   */
  static void weighted(float[] x, double[] mean, double[] var, double alpha, double[] wide) {
    int n = x.length;
    double keep = 1.0 - alpha;
    widen(x, wide, n);
    for (int i = 0; i < n; i++) {
      double d = wide[i] - mean[i];
      double incr = alpha * d;
      mean[i] += incr;
      var[i] = keep * (var[i] + d * incr);
    }
  }

  /**
   * {@code out = (float) ((x - mean) / scale)} with {@code variance = m2OrVar / divisor} and {@code
   * scale = variance < minVariance ? 1 : sqrt(variance)}, computed as {@code sqrt(variance <
   * minVariance ? 1 : variance)}: the square root of 1 is exactly 1, so the bits are the same.
   *
   * @param out may be {@code x}
   * @param wide scratch, at least {@code x.length} long; overwritten
   * @param scale scratch, at least {@code x.length} long; overwritten
   */
  static void transform(
      float[] x,
      float[] out,
      double[] mean,
      double[] m2OrVar,
      double divisor,
      double minVariance,
      double[] wide,
      double[] scale) {
    widen(x, wide, x.length);
    transformWide(wide, out, mean, m2OrVar, divisor, minVariance, scale);
  }

  /**
   * {@link #transform} of features already widened into {@code wide} (by {@link #welford} or {@link
   * #weighted}, which leave it so), for {@code out.length} features: the same bits without a second
   * conversion of each feature.
   *
   * @param wide the features as doubles; overwritten
   */
  static void transformWide(
      double[] wide,
      float[] out,
      double[] mean,
      double[] m2OrVar,
      double divisor,
      double minVariance,
      double[] scale) {
    int n = out.length;
    for (int i = 0; i < n; i++) {
      scale[i] = m2OrVar[i] / divisor;
    }
    for (int i = 0; i < n; i++) {
      if (scale[i] < minVariance) {
        scale[i] = 1.0;
      }
    }
    for (int i = 0; i < n; i++) {
      wide[i] = (wide[i] - mean[i]) / Math.sqrt(scale[i]);
    }
    for (int i = 0; i < n; i++) {
      out[i] = (float) wide[i];
    }
  }

  private static void widen(float[] x, double[] wide, int n) {
    for (int i = 0; i < n; i++) {
      wide[i] = x[i];
    }
  }
}
