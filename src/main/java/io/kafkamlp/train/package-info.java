/**
 * The trainer, the stateful half of the pipeline: {@link io.kafkamlp.train.SampleRouter} parses,
 * validates and splits records; {@link io.kafkamlp.train.TrainerProcessor} keeps one {@link
 * io.kafkamlp.train.ModelTrainer} per model in memory, made exactly-once by a chunked checkpoint
 * store and a replay log of the records since; {@link io.kafkamlp.train.ModelTrainer} holds the
 * Kafka-free part (normalizer, mini-batches, prequential and validation metrics). Uses the numeric
 * core through {@code io.kafkamlp.nn}; reports through {@link io.kafkamlp.train.TrainerObserver},
 * never to a metrics library directly.
 */
package io.kafkamlp.train;
