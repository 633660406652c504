/**
 * Kafka plumbing shared by the commands: the in-process single-node KRaft broker ({@link
 * io.kafkamlp.kafka.EmbeddedKafka}) and the topics kafka-mlp uses ({@link
 * io.kafkamlp.kafka.Topics}, declared in the repository folder {@code topics/} and read by {@link
 * io.kafkamlp.kafka.TopicDeclaration#load()}).
 *
 * <p>No model code here and no printing: failures are exceptions, progress goes to the SLF4J
 * logger.
 */
package io.kafkamlp.kafka;
