package io.kafkamlp.nn.schedule;

/** The same rate for every step: {@code lr(step) = lr}. */
public final class Constant implements LearningRateSchedule {

  private final double lr;

  /**
   * Creates the schedule.
   *
   * @param lr the learning rate, finite and {@code > 0}
   * @throws IllegalArgumentException if {@code lr} is out of range
   */
  public Constant(double lr) {
    this.lr = LearningRateSchedules.checkRate(lr);
  }

  /** The learning rate. */
  public double lr() {
    return lr;
  }

  @Override
  public double at(long step) {
    LearningRateSchedules.checkStep(step);
    return lr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Constant && Double.compare(((Constant) o).lr, lr) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(lr);
  }

  @Override
  public String toString() {
    return "constant(lr=" + lr + ")";
  }
}
