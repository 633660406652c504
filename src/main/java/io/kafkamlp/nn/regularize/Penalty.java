package io.kafkamlp.nn.regularize;

import io.kafkamlp.nn.Parameter;

/**
 * A weight penalty added to the data loss, applied to {@linkplain Parameter#regularized()} weights.
 */
public interface Penalty {

  /** The penalty's value for {@code parameter}; nothing is modified. */
  double value(Parameter parameter);

  /** Adds the penalty's gradient to {@code parameter.gradient()}. */
  void addGradient(Parameter parameter);

  /** Mixes the penalty's kinks at the current value into {@code hash} (see the gradient check). */
  default long kinks(Parameter parameter, long hash) {
    return hash;
  }
}
