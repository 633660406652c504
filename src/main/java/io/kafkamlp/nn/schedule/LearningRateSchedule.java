package io.kafkamlp.nn.schedule;

/**
 * The learning rate as a function of the number of updates done so far (learning-rate annealing).
 * Steps count mini-batch updates, not epochs: a stream has no epochs.
 *
 * <p>Schedules are immutable except {@link ReduceOnPlateau}, whose decisions depend on the
 * validation signal fed through {@link #observe}; its state is saved with the model through {@link
 * #state()} and {@link #restore}.
 */
public interface LearningRateSchedule {

  /**
   * The learning rate for the update that follows {@code step} earlier updates.
   *
   * @param step number of updates applied so far, {@code >= 0}
   */
  double at(long step);

  /** Feeds a validation loss (lower is better). Only reduce-on-plateau uses it. */
  default void observe(double validationLoss) {}

  /** The mutable state, for saving; empty for stateless schedules. */
  default double[] state() {
    return new double[0];
  }

  /** Restores a state produced by {@link #state()} of a schedule with the same configuration. */
  default void restore(double[] state) {
    if (state.length != 0) {
      throw new IllegalArgumentException("stateless schedule given " + state.length + " values");
    }
  }
}
