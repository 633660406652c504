/**
 * Checks a user runs before trusting a model, after the CS231n notes: the gradient check (in double
 * precision, on the generated twin {@code io.kafkamlp.nn64}) and the sanity checks (on the float
 * training path).
 */
package io.kafkamlp.nn.check;
