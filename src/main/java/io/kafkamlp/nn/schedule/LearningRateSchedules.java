package io.kafkamlp.nn.schedule;

/**
 * Factory for the learning-rate schedules. Each schedule's {@code toString()} is the call that
 * creates it, such as {@code stepDecay(lr=0.1, factor=0.5, everySteps=1000)}.
 */
public final class LearningRateSchedules {

  /** The default reduction factor of {@link #reduceOnPlateau(double)}. */
  public static final double DEFAULT_PLATEAU_FACTOR = 0.1;

  /** The default patience of {@link #reduceOnPlateau(double)}. */
  public static final int DEFAULT_PLATEAU_PATIENCE = 10;

  /** The default relative threshold of {@link #reduceOnPlateau(double)}. */
  public static final double DEFAULT_PLATEAU_THRESHOLD = 1e-4;

  private LearningRateSchedules() {}

  /** {@code lr(step) = lr}. */
  public static LearningRateSchedule constant(double lr) {
    return new Constant(lr);
  }

  /** {@code lr(step) = lr * factor^floor(step / everySteps)}; see {@link StepDecay}. */
  public static LearningRateSchedule stepDecay(double lr, double factor, long everySteps) {
    return new StepDecay(lr, factor, everySteps);
  }

  /** {@code lr(step) = lr * exp(-k * step)}; see {@link ExponentialDecay}. */
  public static LearningRateSchedule exponentialDecay(double lr, double k) {
    return new ExponentialDecay(lr, k);
  }

  /** {@code lr(step) = lr / (1 + k * step)}; see {@link InverseTimeDecay}. */
  public static LearningRateSchedule inverseTimeDecay(double lr, double k) {
    return new InverseTimeDecay(lr, k);
  }

  /** Reduce-on-plateau; see {@link ReduceOnPlateau} for the rule and the argument ranges. */
  public static ReduceOnPlateau reduceOnPlateau(
      double lr, double factor, int patience, double threshold, double minLr) {
    return new ReduceOnPlateau(lr, factor, patience, threshold, minLr);
  }

  /** Reduce-on-plateau with {@code factor = 0.1, patience = 10, threshold = 1e-4, minLr = 0}. */
  public static ReduceOnPlateau reduceOnPlateau(double lr) {
    return new ReduceOnPlateau(
        lr, DEFAULT_PLATEAU_FACTOR, DEFAULT_PLATEAU_PATIENCE, DEFAULT_PLATEAU_THRESHOLD, 0.0);
  }

  /** A finite, strictly positive learning rate. */
  static double checkRate(double lr) {
    if (!(lr > 0.0 && lr < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
    }
    return lr;
  }

  /** A finite, non-negative decay constant. */
  static double checkDecayConstant(String what, double k) {
    if (!(k >= 0.0 && k < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(what + " k must be finite and >= 0, got " + k);
    }
    return k + 0.0; // -0 becomes +0, keeping equals consistent with the rate it gives
  }

  /** A step count, {@code >= 0}. */
  static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }
}
