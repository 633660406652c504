package io.kafkamlp.nn.schedule;

/**
 * Smooth exponential decay.
 *
 * <pre>
 *   lr(step) = lr * exp(-k * step)
 * </pre>
 *
 * <p>The rate halves every {@code ln(2) / k} steps; {@code k = 0} is a constant rate.
 */
public final class ExponentialDecay implements LearningRateSchedule {

  private final double lr;
  private final double k;

  /**
   * Creates the schedule.
   *
   * @param lr the initial learning rate, finite and {@code > 0}
   * @param k the decay constant per step, finite and {@code >= 0}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public ExponentialDecay(double lr, double k) {
    this.lr = LearningRateSchedules.checkRate(lr);
    this.k = LearningRateSchedules.checkDecayConstant("exponential decay", k);
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
    return lr * Math.exp(-k * step);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ExponentialDecay)) {
      return false;
    }
    ExponentialDecay other = (ExponentialDecay) o;
    return Double.compare(other.lr, lr) == 0 && Double.compare(other.k, k) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(lr) * 31 + Double.hashCode(k);
  }

  @Override
  public String toString() {
    return "exponentialDecay(lr=" + lr + ", k=" + k + ")";
  }
}
