/**
 * Replaying a data set through a running pipeline and reading what comes out, as {@code demo} and
 * {@code bench} do: the training set as labeled records ({@link io.kafkamlp.replay.TrainingReplay},
 * keys {@code train-<i>}), the test set as prediction requests scored from the {@code predictions}
 * topic ({@link io.kafkamlp.replay.TestScorer}), in JSON or binary ({@link
 * io.kafkamlp.replay.SampleFormat}), with the producer settings both use ({@link
 * io.kafkamlp.replay.ReplayClients}).
 *
 * <p>Kafka clients and the sample codec only: no printing, no model code. Failures are exceptions.
 */
package io.kafkamlp.replay;
