package io.kafkamlp.nn.regularize;

import io.kafkamlp.nn.Parameter;

/**
 * L2 weight decay: {@code 0.5 * lambda * sum(w^2)}, gradient {@code lambda * w}, so plain SGD
 * decays each weight by {@code w += -lambda * w} per unit of learning rate.
 */
public final class L2Penalty implements Penalty {

  private final float lambda;

  public L2Penalty(double lambda) {
    if (!(lambda >= 0)) {
      throw new IllegalArgumentException("l2 must be >= 0, got " + lambda);
    }
    this.lambda = (float) lambda;
  }

  @Override
  public double value(Parameter parameter) {
    float[] w = parameter.value().data;
    double sum = 0;
    for (int i = 0; i < parameter.size(); i++) {
      sum += w[i] * w[i];
    }
    return 0.5 * lambda * sum;
  }

  @Override
  public void addGradient(Parameter parameter) {
    float[] w = parameter.value().data;
    float[] g = parameter.gradient().data;
    int n = parameter.size();
    for (int i = 0; i < n; i++) {
      g[i] += lambda * w[i];
    }
  }
}
