package io.kafkamlp.train;

/**
 * A task's queue between its stream thread and its training thread ({@link TrainingLoop}), read by
 * metrics: which side waits for which. Time the training thread waits for records means Kafka's
 * side (polling, parsing, logging, commits) is the limit; time the stream thread waits for room
 * means training is; time the training thread yields means serving was behind. Readable from any
 * thread.
 */
public interface TrainingQueue {

  /** The task whose records it holds, e.g. {@code 0_0}. */
  String task();

  /** Records queued now. */
  int queued();

  /** Records it holds at most ({@link TrainerSettings#trainingQueue()}). */
  int capacity();

  /** Seconds the training thread has waited for a record, in all. */
  double starvedSeconds();

  /** Seconds the stream thread has waited for room in the full queue, in all. */
  double fullSeconds();

  /**
   * Seconds the training thread has yielded to the server in its process, in all ({@link
   * ServingPriority}).
   */
  double yieldedSeconds();

  /**
   * Seconds of CPU the training thread has used, in all, never less than read before; NaN where the
   * JVM cannot tell. With {@link #starvedSeconds} and {@link #yieldedSeconds} it splits the
   * thread's time: the rest it was runnable with no core free, or stopped by the collector.
   */
  double cpuSeconds();
}
