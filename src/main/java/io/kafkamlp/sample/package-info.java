/**
 * Records in and out of Kafka: the {@link io.kafkamlp.sample.Sample} parsed from each value of the
 * {@code samples} topic, the {@link io.kafkamlp.sample.Rejection} of a record that goes to {@code
 * samples-dlq}, and the prediction JSON of the {@code predictions} topic.
 *
 * <p>A record goes through two checks, in this order:
 *
 * <ol>
 *   <li>{@link io.kafkamlp.sample.SampleCodec#parse} (stage {@code parse}): is it a sample at all?
 *       JSON or the binary format, known fields, numbers where numbers belong, no NaN or infinite
 *       value. It needs no model and throws {@link io.kafkamlp.sample.RejectedSampleException}.
 *   <li>{@link io.kafkamlp.sample.SampleValidator#validate} (stage {@code validate}): does it fit
 *       the model its {@code model} field names? Feature count, the label kind the loss needs,
 *       label range. It returns the {@link io.kafkamlp.sample.Rejection}, or null.
 * </ol>
 *
 * <p>Only then does {@link io.kafkamlp.sample.SampleValidator#targetRow} turn the sample into the
 * model's target row, so no bad value reaches the model. The package depends on the JDK, Jackson's
 * streaming API, {@code io.kafkamlp.spec} and {@code io.kafkamlp.nn}, not on Kafka Streams.
 */
package io.kafkamlp.sample;
