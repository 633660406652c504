package io.kafkamlp.normalize;

/**
 * The per-feature loops of {@link RunningStandardizer}, split so that C2 vectorizes the arithmetic:
 * a loop that converts between float and double (which C2 of Java 17 does not vectorize) is kept
 * apart from the divisions and square roots on doubles (which it does), through scratch arrays of
 * doubles. Each feature still gets exactly the IEEE operations of the plain formulas, in double and
 * without fused multiply-adds, so the bits are those of one loop per formula. A feature's update
 * costs a division; the transform's division, square root and second division per feature are paid
 * once per change of the statistics ({@link #scales}), and its per-sample part is a subtraction and
 * a multiplication in float ({@link #standardize}).
 *
 * <p>Not on the Vector API on purpose: a second vector shape there (the float half of a double
 * vector) let a recompilation of the matrix kernels, after a deoptimization, lose their intrinsics
 * and run ten times slower (JFR started in a running pipeline did it twice in two runs).
 */
final class StandardizerLoops {

  /** A float's bits without its sign. */
  private static final int MAGNITUDE_BITS = 0x7fffffff;

  /** The bits of positive infinity: a float's magnitude bits are below them iff it is finite. */
  private static final int INFINITY_BITS = 0x7f800000;

  private StandardizerLoops() {}

  /**
   * Welford: {@code d = x - mean; mean += d / n; m2 += d (x - mean)}.
   *
   * @param wide the sample as doubles ({@link #widenFinite}), {@code n} of them
   */
  static void welford(double[] wide, double[] mean, double[] m2, long count, int n) {
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
   * @param wide the sample as doubles ({@link #widenFinite}), {@code n} of them
   */
  static void weighted(double[] wide, double[] mean, double[] var, double alpha, int n) {
    double keep = 1.0 - alpha;
    for (int i = 0; i < n; i++) {
      double d = wide[i] - mean[i];
      double incr = alpha * d;
      mean[i] += incr;
      var[i] = keep * (var[i] + d * incr);
    }
  }

  /**
   * The transform's per-feature constants, from the statistics: the mean as a float and the float
   * nearest what that leaves out ({@code centre = (float) mean}, {@code centreLow = (float) (mean -
   * centre)}: together about 48 bits of it, so a feature a million away from zero with a spread of
   * one is still centred to within 1e-8 of its spread), and {@code inverseScale = (float) (1 /
   * sqrt(variance))} with {@code variance = m2OrVar / divisor}, or an inverse scale of 1 where
   * {@code variance < minVariance} (a feature constant so far: only centred). A division, a square
   * root and another division per feature, in double: once per change of the statistics, not once
   * per sample transformed.
   *
   * @param scale scratch, at least {@code mean.length} long; overwritten
   */
  static void scales(
      double[] mean,
      double[] m2OrVar,
      double divisor,
      double minVariance,
      double[] scale,
      float[] centre,
      float[] centreLow,
      float[] inverseScale) {
    int n = mean.length;
    for (int i = 0; i < n; i++) {
      scale[i] = m2OrVar[i] / divisor;
    }
    for (int i = 0; i < n; i++) {
      if (scale[i] < minVariance) {
        scale[i] = 1.0; // its square root and inverse are exactly 1
      }
    }
    for (int i = 0; i < n; i++) {
      scale[i] = 1.0 / Math.sqrt(scale[i]);
    }
    for (int i = 0; i < n; i++) {
      float high = (float) mean[i];
      centre[i] = high;
      centreLow[i] = (float) (mean[i] - high);
      inverseScale[i] = (float) scale[i];
    }
  }

  /**
   * {@code out[to + i] = ((x[from + i] - centre[i]) - centreLow[i]) * inverseScale[i]} for {@code i
   * < n}, in float: three operations a feature, in a loop C2 vectorizes. The first subtraction is
   * exact whenever the sample lies within a factor of two of the mean (Sterbenz), so the low part
   * is not lost to it.
   *
   * @param out may be {@code x}, at the same offset
   */
  static void standardize(
      float[] x,
      int from,
      float[] out,
      int to,
      float[] centre,
      float[] centreLow,
      float[] inverseScale,
      int n) {
    for (int i = 0; i < n; i++) {
      out[to + i] = ((x[from + i] - centre[i]) - centreLow[i]) * inverseScale[i];
    }
  }

  /**
   * {@code wide[i] = x[i]} for {@code i < n}; whether every one is finite. The check rides along in
   * the conversion's loop, without a branch per value: a float is finite exactly when its bits
   * without the sign are below those of infinity ({@code 0x7f800000}; NaNs lie above), so the
   * largest of them says it for all. Measured as a loop of its own with {@link Float#isFinite} that
   * stopped at the first bad value: 2.8% of the trainer's time (JMH {@code TrainerBenchmark} under
   * JFR, 2026-12-01), more than the update it guarded.
   *
   * @param wide receives the values as doubles, {@code n} of them
   */
  static boolean widenFinite(float[] x, double[] wide, int n) {
    int largest = 0;
    for (int i = 0; i < n; i++) {
      float v = x[i];
      wide[i] = v;
      largest = Math.max(largest, Float.floatToRawIntBits(v) & MAGNITUDE_BITS);
    }
    return largest < INFINITY_BITS;
  }
}
