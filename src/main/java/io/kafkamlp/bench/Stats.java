package io.kafkamlp.bench;

import java.util.Arrays;
import java.util.Collection;

/** The order statistics the benchmark reports. Pure functions; inputs are not changed. */
public final class Stats {

  private Stats() {}

  /**
   * The median: the middle value of an odd count, the mean of the two middle values of an even
   * count; NaN for no values. NaN values are not allowed.
   */
  public static double median(Collection<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the values
   * at or below it, i.e. the {@code ceil(p / 100 * n)}-th smallest (the smallest for {@code p} 0).
   *
   * @param values any order; not changed
   * @param p in [0, 100]
   * @throws IllegalArgumentException if there are no values or {@code p} is out of range
   */
  public static long percentile(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("p must be in [0, 100]: " + p);
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
