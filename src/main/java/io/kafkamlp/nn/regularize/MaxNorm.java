package io.kafkamlp.nn.regularize;

import io.kafkamlp.nn.Parameter;

/**
 * Max-norm constraint: after each update, every unit's incoming weight vector (a column of a dense
 * layer's {@code W}) with L2 norm above {@code c} is scaled back onto the ball of radius {@code c}
 * (projected gradient descent). It is not part of the loss, so it adds no gradient; it keeps
 * training stable even with a high learning rate.
 */
public final class MaxNorm {

  private final float maxNorm;
  private float[] norms = new float[0];

  public MaxNorm(double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max-norm must be > 0, got " + maxNorm);
    }
    this.maxNorm = (float) maxNorm;
  }

  /** Projects the columns of {@code parameter.value()} whose norm exceeds the bound. */
  public void apply(Parameter parameter) {
    int rows = parameter.value().numRows;
    int cols = parameter.value().numCols;
    float[] w = parameter.value().data;
    if (norms.length < cols) {
      norms = new float[cols]; // grows to the widest layer once, then is reused
    }
    java.util.Arrays.fill(norms, 0, cols, 0f);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        norms[j] += w[i * cols + j] * w[i * cols + j];
      }
    }
    for (int j = 0; j < cols; j++) {
      float norm = (float) Math.sqrt(norms[j]);
      norms[j] = norm > maxNorm ? maxNorm / norm : 1f;
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        w[i * cols + j] *= norms[j];
      }
    }
  }
}
