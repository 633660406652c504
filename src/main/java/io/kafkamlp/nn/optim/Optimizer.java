package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;

/**
 * An update rule's immutable configuration (momentum, betas, epsilon). The per-parameter memory it
 * needs (velocity, moments, caches) lives in the {@link OptimizerState} it creates, one per
 * parameter, so one configuration serves any number of parameters and models.
 */
public interface Optimizer {

  /** A fresh, zeroed state for a parameter of this shape. */
  OptimizerState newState(Parameter parameter);

  /** The name used in model specs: {@code sgd}, {@code momentum}, {@code adam}, ... */
  String name();
}
