/** The picocli commands of {@code kafka-mlp.jar}: wiring only, and the only place that prints. */
package io.kafkamlp.cli;
