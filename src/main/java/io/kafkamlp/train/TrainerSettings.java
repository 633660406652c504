package io.kafkamlp.train;

import io.kafkamlp.nn.kernel.KernelThreads;
import java.time.Duration;

/**
 * How the trainer handles a stream, beside the model itself.
 *
 * @param validationFraction share of labeled records, chosen by a hash of the key, that are
 *     validation data: scored, never trained on, never fed to the normalizer
 * @param normalizerForgetting 0 for exact running statistics, in (0, 1) for exponentially weighted
 *     ones that follow a drifting stream
 * @param windowBatches batches over which prequential and validation metrics are averaged; also how
 *     many validation batches make one observation for a plateau schedule
 * @param checkpointEveryBatches a checkpoint after this many training batches...
 * @param checkpointInterval ...or once this much time has passed since the last, checked as records
 *     arrive
 * @param snapshotEveryBatches a snapshot to the model-snapshots topic after this many batches...
 * @param snapshotInterval ...or once this much time has passed since the last
 * @param trainingQueue records the stream thread may log ahead of the training thread, which then
 *     trains beside Kafka's work instead of between it; 0 trains on the stream thread
 * @param trainingThreads threads that share each training step (its large matrix products, its
 *     update and gradient scan), the training thread included ({@link KernelThreads}); the model
 *     learns the same bits with any number. Only with a training thread (a queue of at least 1):
 *     the stream thread always trains alone
 * @param servingLag how much later than usual the server in the same process may answer requests
 *     before the training threads yield to it ({@link ServingPriority}); zero never yields
 */
public record TrainerSettings(
    double validationFraction,
    double normalizerForgetting,
    int windowBatches,
    int checkpointEveryBatches,
    Duration checkpointInterval,
    int snapshotEveryBatches,
    Duration snapshotInterval,
    int trainingQueue,
    int trainingThreads,
    Duration servingLag) {

  /** Records the stream thread may log ahead of training, by default. */
  public static final int DEFAULT_TRAINING_QUEUE = 1024;

  /**
   * How much later than usual serving may answer before training yields, by default: well under the
   * 50 ms p99 the bench holds serving to, well over the few milliseconds a request's answer varies
   * by when serving keeps up.
   */
  public static final Duration DEFAULT_SERVING_LAG = Duration.ofMillis(20);

  /** Cores from which a training step has a helper by default. */
  static final int HELPER_MIN_CORES = 4;

  /**
   * Threads of each training step, by default: 1 on machines of fewer than {@value
   * #HELPER_MIN_CORES} cores, 2 on larger ones (bit for bit the same model either way). On two
   * cores the second thread shares one with the stream thread, the broker and the server: it
   * learned the ten-pass bench's records about 10% faster warm on an AVX2 machine, and on an
   * AVX-512 one, whose step is half as long, no faster (median of 7 alternating runs 18,143 against
   * 20,000 samples/s) for a fifth more CPU per sample. With more cores the helper has one to itself
   * (not measured here).
   */
  public static final int DEFAULT_TRAINING_THREADS =
      Runtime.getRuntime().availableProcessors() >= HELPER_MIN_CORES ? 2 : 1;

  public TrainerSettings {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction must be in [0, 1), got " + validationFraction);
    }
    if (!(normalizerForgetting >= 0 && normalizerForgetting < 1)) {
      throw new IllegalArgumentException(
          "normalizer forgetting must be in [0, 1), got " + normalizerForgetting);
    }
    if (windowBatches < 1 || checkpointEveryBatches < 1 || snapshotEveryBatches < 1) {
      throw new IllegalArgumentException("window, checkpoint and snapshot counts must be >= 1");
    }
    if (trainingQueue < 0) {
      throw new IllegalArgumentException("training queue must be >= 0, got " + trainingQueue);
    }
    if (trainingThreads < 1) {
      throw new IllegalArgumentException("training threads must be >= 1, got " + trainingThreads);
    }
    if (servingLag.isNegative()) {
      throw new IllegalArgumentException("serving lag must be >= 0, got " + servingLag);
    }
  }

  /** These settings with the default training queue, threads and serving lag. */
  public TrainerSettings(
      double validationFraction,
      double normalizerForgetting,
      int windowBatches,
      int checkpointEveryBatches,
      Duration checkpointInterval,
      int snapshotEveryBatches,
      Duration snapshotInterval) {
    this(
        validationFraction,
        normalizerForgetting,
        windowBatches,
        checkpointEveryBatches,
        checkpointInterval,
        snapshotEveryBatches,
        snapshotInterval,
        DEFAULT_TRAINING_QUEUE,
        DEFAULT_TRAINING_THREADS,
        DEFAULT_SERVING_LAG);
  }

  /** These settings with another training queue; 0 trains on the stream thread. */
  public TrainerSettings withTrainingQueue(int records) {
    return new TrainerSettings(
        validationFraction,
        normalizerForgetting,
        windowBatches,
        checkpointEveryBatches,
        checkpointInterval,
        snapshotEveryBatches,
        snapshotInterval,
        records,
        trainingThreads,
        servingLag);
  }

  /** These settings with another number of threads per training step. */
  public TrainerSettings withTrainingThreads(int threads) {
    return new TrainerSettings(
        validationFraction,
        normalizerForgetting,
        windowBatches,
        checkpointEveryBatches,
        checkpointInterval,
        snapshotEveryBatches,
        snapshotInterval,
        trainingQueue,
        threads,
        servingLag);
  }

  /** These settings with another serving lag; zero: training never yields to serving. */
  public TrainerSettings withServingLag(Duration lag) {
    return new TrainerSettings(
        validationFraction,
        normalizerForgetting,
        windowBatches,
        checkpointEveryBatches,
        checkpointInterval,
        snapshotEveryBatches,
        snapshotInterval,
        trainingQueue,
        trainingThreads,
        lag);
  }

  /**
   * 10% validation, exact statistics, windows of 100 batches, checkpoints every 200 batches or 30
   * s, snapshots every second or 400 batches, a training thread with a queue of {@value
   * #DEFAULT_TRAINING_QUEUE} records and {@link #DEFAULT_TRAINING_THREADS} threads per step,
   * yielding to serving when it answers {@link #DEFAULT_SERVING_LAG} later than usual.
   *
   * <p>A snapshot of the default model is about 1 MB, which every server decodes, so its cadence is
   * set by time: serving is at most about a second behind at any rate, and a fast stream does not
   * publish several a second (at 50 batches, about seven a second at 11,000 samples/s; with one a
   * second the ten-pass bench learned about 12% more samples per second warm, with about 15% less
   * CPU per sample). The batch count only caps the gap on a stream over 400 batches a second.
   */
  public static TrainerSettings defaults() {
    return new TrainerSettings(
        0.1, 0, 100, 200, Duration.ofSeconds(30), 400, Duration.ofSeconds(1));
  }
}
