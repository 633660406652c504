package io.kafkamlp.nn.schedule;

/**
 * Inverse-time (1/t) decay.
 *
 * <pre>
 *   lr(step) = lr / (1 + k * step)
 * </pre>
 *
 * <p>The rate halves after {@code 1 / k} steps; its sum over steps diverges while the sum of its
 * squares converges, the Robbins-Monro conditions. {@code k = 0} is a constant rate.
 */
public final class InverseTimeDecay implements LearningRateSchedule {

  private final double lr;
  private final double k;

  /**
   * Creates the schedule.
   *
   * @param lr the initial learning rate, finite and {@code > 0}
   * @param k the decay constant per step, finite and {@code >= 0}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public InverseTimeDecay(double lr, double k) {
    this.lr = LearningRateSchedules.checkRate(lr);
    this.k = LearningRateSchedules.checkDecayConstant("inverse time decay", k);
  }

  /** The initial learning rate. */
  public double lr() {
    return lr;
  }

  /** The decay constant per step. */
  public double k() {
    return k;
  }

  @Override
  public double at(long step) {
    LearningRateSchedules.checkStep(step);
    return lr / (1.0 + k * step);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof InverseTimeDecay)) {
      return false;
    }
    InverseTimeDecay other = (InverseTimeDecay) o;
    return Double.compare(other.lr, lr) == 0 && Double.compare(other.k, k) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(lr) * 31 + Double.hashCode(k);
  }

  @Override
  public String toString() {
    return "inverseTimeDecay(lr=" + lr + ", k=" + k + ")";
  }
}
