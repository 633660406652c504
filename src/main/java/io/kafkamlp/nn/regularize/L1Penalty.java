package io.kafkamlp.nn.regularize;

import io.kafkamlp.nn.Parameter;

/**
 * L1 penalty {@code lambda * sum|w|}, gradient {@code lambda * sign(w)}: drives weights to exactly
 * sparse solutions. Its kink is at {@code w = 0}.
 */
public final class L1Penalty implements Penalty {

  private final float lambda;

  public L1Penalty(double lambda) {
    if (!(lambda >= 0)) {
      throw new IllegalArgumentException("l1 must be >= 0, got " + lambda);
    }
    this.lambda = (float) lambda;
  }

  @Override
  public double value(Parameter parameter) {
    float[] w = parameter.value().data;
    double sum = 0;
    for (int i = 0; i < parameter.size(); i++) {
      sum += Math.abs(w[i]);
    }
    return lambda * sum;
  }

  @Override
  public void addGradient(Parameter parameter) {
    float[] w = parameter.value().data;
    float[] g = parameter.gradient().data;
    int n = parameter.size();
    for (int i = 0; i < n; i++) {
      g[i] += lambda * Math.signum(w[i]);
    }
  }

  @Override
  public long kinks(Parameter parameter, long hash) {
    float[] w = parameter.value().data;
    long h = hash;
    for (int i = 0; i < parameter.size(); i++) {
      h = h * 31 + (int) Math.signum(w[i]);
    }
    return h;
  }
}
