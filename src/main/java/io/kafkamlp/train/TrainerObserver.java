package io.kafkamlp.train;

import io.kafkamlp.nn.Inspection;
import io.kafkamlp.sample.Rejection;

/**
 * Hears what the trainer does, for metrics. Called on the thread that trains (a task's training
 * thread, or its stream thread when training inline; see {@link TrainingLoop}), rejections on the
 * stream thread: implementations must be quick and thread-safe towards their readers. Observing
 * never changes what a model learns.
 */
public interface TrainerObserver {

  /** Hears nothing. */
  TrainerObserver NONE = new TrainerObserver() {};

  /**
   * Whether the trainer's next training step is to be inspected (see {@link Inspection}), asked
   * before each; never, by default.
   */
  default boolean inspectNextStep(ModelTrainer trainer) {
    return false;
  }

  /**
   * After each training batch of a model, applied or skipped.
   *
   * @param stepNanos time the training step took
   * @param skipped true when the batch was not applied (non-finite loss or gradient)
   * @param inspection the step's inspection, or null when this step was not inspected
   */
  default void onBatch(
      ModelTrainer trainer, long stepNanos, boolean skipped, Inspection inspection) {}

  /** When a task starts training on a thread of its own; read the queue until it closes. */
  default void onQueueOpened(TrainingQueue queue) {}

  /** When that task closed. */
  default void onQueueClosed(TrainingQueue queue) {}

  /** After a record was sent to the dead-letter topic. */
  default void onRejected(Rejection rejection) {}
}
