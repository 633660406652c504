package io.kafkamlp.nn.schedule;

/**
 * Lowers the rate when the validation loss stops improving.
 *
 * <p>Each {@linkplain #observe observed} loss is compared with the best so far: it is an
 * improvement if {@code loss < best - threshold * |best|}, that is {@code loss < best * (1 -
 * threshold)} for a positive best (a relative threshold). The first observation always improves
 * unless it is NaN or infinite; NaN never improves. An improvement records the new best and clears
 * the count of bad observations; otherwise the count grows, and when it reaches {@code patience}
 * the rate is reduced and the count cleared:
 *
 * <pre>
 *   rate = max(rate * factor, minLr)
 * </pre>
 *
 * <p>{@link #at} returns the current rate whatever the step. The state {@code {best, badCount,
 * currentRate}} is saved with {@link #state()} and reloaded with {@link #restore}. Not thread-safe:
 * feed and query it from the training thread.
 */
public final class ReduceOnPlateau implements LearningRateSchedule {

  private final double lr;
  private final double factor;
  private final int patience;
  private final double threshold;
  private final double minLr;

  private double best = Double.POSITIVE_INFINITY;
  private int badCount;
  private double currentRate;

  /**
   * Creates the schedule, starting at {@code lr} with no observation.
   *
   * @param lr the initial learning rate, finite and {@code > 0}
   * @param factor the multiplier applied at each reduction, {@code 0 < factor < 1}
   * @param patience consecutive non-improving observations that trigger a reduction, {@code >= 1}
   * @param threshold the relative improvement required, {@code 0 <= threshold < 1}
   * @param minLr the floor of the rate, {@code 0 <= minLr <= lr}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public ReduceOnPlateau(double lr, double factor, int patience, double threshold, double minLr) {
    this.lr = LearningRateSchedules.checkRate(lr);
    if (!(factor > 0.0 && factor < 1.0)) {
      throw new IllegalArgumentException("plateau factor must be in (0, 1), got " + factor);
    }
    if (patience < 1) {
      throw new IllegalArgumentException("plateau patience must be >= 1, got " + patience);
    }
    if (!(threshold >= 0.0 && threshold < 1.0)) {
      throw new IllegalArgumentException("plateau threshold must be in [0, 1), got " + threshold);
    }
    if (!(minLr >= 0.0 && minLr <= lr)) {
      throw new IllegalArgumentException(
          "plateau minLr must be in [0, lr = " + lr + "], got " + minLr);
    }
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.minLr = minLr;
    this.currentRate = lr;
  }

  /** The initial learning rate. */
  public double lr() {
    return lr;
  }

  /** The multiplier applied at each reduction. */
  public double factor() {
    return factor;
  }

  /** Consecutive non-improving observations that trigger a reduction. */
  public int patience() {
    return patience;
  }

  /** The relative improvement required. */
  public double threshold() {
    return threshold;
  }

  /** The floor of the rate. */
  public double minLr() {
    return minLr;
  }

  /** The best loss observed so far; positive infinity before the first. */
  public double best() {
    return best;
  }

  /** Consecutive non-improving observations since the last improvement or reduction. */
  public int badCount() {
    return badCount;
  }

  /** The rate {@link #at} returns. */
  public double currentRate() {
    return currentRate;
  }

  @Override
  public double at(long step) {
    LearningRateSchedules.checkStep(step);
    return currentRate;
  }

  @Override
  public void observe(double validationLoss) {
    boolean improved =
        best == Double.POSITIVE_INFINITY
            ? validationLoss < Double.POSITIVE_INFINITY
            : validationLoss < best - threshold * Math.abs(best);
    if (improved) {
      best = validationLoss;
      badCount = 0;
      return;
    }
    badCount++;
    if (badCount >= patience) {
      currentRate = Math.max(currentRate * factor, minLr);
      badCount = 0;
    }
  }

  /** Returns {@code {best, badCount, currentRate}}. */
  @Override
  public double[] state() {
    return new double[] {best, badCount, currentRate};
  }

  /**
   * Restores {@code {best, badCount, currentRate}}.
   *
   * @throws IllegalArgumentException if the array does not have 3 values, {@code best} is NaN,
   *     {@code badCount} is not an integer in {@code [0, patience)}, or {@code currentRate} is not
   *     in {@code [minLr, lr]}; the state is then unchanged
   */
  @Override
  public void restore(double[] state) {
    if (state.length != 3) {
      throw new IllegalArgumentException(
          "plateau state needs 3 values {best, badCount, currentRate}, got " + state.length);
    }
    double restoredBest = state[0];
    double restoredBad = state[1];
    double restoredRate = state[2];
    if (Double.isNaN(restoredBest)) {
      throw new IllegalArgumentException("plateau state best is NaN");
    }
    if (!(restoredBad >= 0 && restoredBad < patience && restoredBad == Math.rint(restoredBad))) {
      throw new IllegalArgumentException(
          "plateau state badCount must be an integer in [0, " + patience + "), got " + restoredBad);
    }
    if (!(restoredRate >= minLr && restoredRate <= lr)) {
      throw new IllegalArgumentException(
          "plateau state currentRate must be in [" + minLr + ", " + lr + "], got " + restoredRate);
    }
    best = restoredBest;
    badCount = (int) restoredBad;
    currentRate = restoredRate;
  }

  /** Describes the configuration, in the form of the {@link LearningRateSchedules} call. */
  @Override
  public String toString() {
    return "reduceOnPlateau(lr="
        + lr
        + ", factor="
        + factor
        + ", patience="
        + patience
        + ", threshold="
        + threshold
        + ", minLr="
        + minLr
        + ")";
  }
}
