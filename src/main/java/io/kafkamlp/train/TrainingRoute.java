package io.kafkamlp.train;

import org.apache.kafka.streams.processor.TaskId;

/**
 * How a labeled record gets from the router to its model's trainer.
 *
 * <p>Each model is trained by one task, so that one writer applies its updates in one order. When
 * the {@code samples} topic has one partition, one task already sees every record: the router hands
 * each record straight to the trainer ({@link #DIRECT}). With more partitions, records are
 * repartitioned by model name, which brings each model's records to one task from all of them
 * ({@link #BY_MODEL}), at the cost of writing every record to Kafka and reading it back.
 */
public enum TrainingRoute {

  /** Router and trainer in the task of the one {@code samples} partition; no repartition topic. */
  DIRECT,

  /** Records repartitioned by model name: for a {@code samples} topic of any partition count. */
  BY_MODEL;

  /** The route for a {@code samples} topic of {@code partitions} partitions. */
  public static TrainingRoute forSamplesPartitions(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive: " + partitions);
    }
    return partitions == 1 ? DIRECT : BY_MODEL;
  }

  /**
   * Checks that a trainer on this route may run in {@code task}.
   *
   * @throws IllegalStateException if the route is {@link #DIRECT} and {@code task} reads another
   *     partition than the first: {@code samples} gained partitions while the trainer ran, and a
   *     second task would train a second copy of every model
   */
  public void checkTask(TaskId task) {
    if (this == DIRECT && task.partition() != 0) {
      throw new IllegalStateException(
          "samples has gained partitions since the trainer started with one (task "
              + task
              + "): a trainer's state belongs to the partitions it started with. Restart with a"
              + " new --application-id (its models start over, their records repartitioned by"
              + " model name), or keep samples at one partition");
    }
  }
}
