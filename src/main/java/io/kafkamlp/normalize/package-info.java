/**
 * Input preprocessing: the notes' mean subtraction and normalization, computed online from a
 * stream.
 *
 * <p>{@link io.kafkamlp.normalize.RunningStandardizer} keeps a per-feature running mean and
 * variance (exact by Welford's algorithm, or exponentially weighted for drifting streams) and maps
 * a sample to {@code (x - mean) / std}. The contract with its callers, from the notes ("statistics
 * from the training split only"): {@code update} with training samples only, {@code transform}
 * every sample (training, validation, prediction) with the same statistics. Its state is explicit
 * and serializes bit for bit, so that it is part of a model's checkpoint and snapshot.
 *
 * <p>This package imports the JDK only.
 */
package io.kafkamlp.normalize;
