package io.kafkamlp.nn.schedule;

/**
 * Piecewise-constant decay: the rate is multiplied by {@code factor} every {@code everySteps}
 * updates.
 *
 * <pre>
 *   lr(step) = lr * factor^floor(step / everySteps)
 * </pre>
 */
public final class StepDecay implements LearningRateSchedule {

  private final double lr;
  private final double factor;
  private final long everySteps;

  /**
   * Creates the schedule.
   *
   * @param lr the initial learning rate, finite and {@code > 0}
   * @param factor the multiplier applied at each drop, {@code 0 < factor <= 1}
   * @param everySteps updates between drops, {@code >= 1}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public StepDecay(double lr, double factor, long everySteps) {
    this.lr = LearningRateSchedules.checkRate(lr);
    if (!(factor > 0.0 && factor <= 1.0)) {
      throw new IllegalArgumentException("step decay factor must be in (0, 1], got " + factor);
    }
    if (everySteps < 1) {
      throw new IllegalArgumentException("step decay everySteps must be >= 1, got " + everySteps);
    }
    this.factor = factor;
    this.everySteps = everySteps;
  }

  /** The initial learning rate. */
  public double lr() {
    return lr;
  }

  /** The multiplier applied at each drop. */
  public double factor() {
    return factor;
  }

  /** Updates between drops. */
  public long everySteps() {
    return everySteps;
  }

  @Override
  public double at(long step) {
    LearningRateSchedules.checkStep(step);
    return lr * Math.pow(factor, step / everySteps);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StepDecay)) {
      return false;
    }
    StepDecay other = (StepDecay) o;
    return Double.compare(other.lr, lr) == 0
        && Double.compare(other.factor, factor) == 0
        && other.everySteps == everySteps;
  }

  @Override
  public int hashCode() {
    return (Double.hashCode(lr) * 31 + Double.hashCode(factor)) * 31 + Long.hashCode(everySteps);
  }

  @Override
  public String toString() {
    return "stepDecay(lr=" + lr + ", factor=" + factor + ", everySteps=" + everySteps + ")";
  }
}
