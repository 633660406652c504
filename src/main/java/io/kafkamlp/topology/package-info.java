/**
 * The two Kafka Streams applications, each built by one static, testable method: {@link
 * io.kafkamlp.topology.TrainerTopology#build} (exactly-once training) and {@link
 * io.kafkamlp.topology.ServerTopology#build} (serving from a global snapshot store).
 */
package io.kafkamlp.topology;
