package io.kafkamlp.nn.loss;

import org.ejml.data.FMatrixRMaj;

/**
 * Softmax classifier: {@code L_i = -log(e^{s_y} / sum_j e^{s_j})}, computed with the maximum
 * subtracted for stability; {@code dL_i/ds_j = p_j - 1{j = y}}.
 */
final class SoftmaxCrossEntropy implements Loss {

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public int targetWidth(int outputs) {
    return 1;
  }

  @Override
  public double lossAndGradient(FMatrixRMaj scores, FMatrixRMaj targets, FMatrixRMaj gradient) {
    int n = scores.numRows;
    int c = scores.numCols;
    float[] s = scores.data;
    float[] g = gradient.data;
    float invN = 1f / n;
    double total = 0;
    for (int i = 0; i < n; i++) {
      int row = i * c;
      int y = (int) targets.data[i];
      // L_i = log(sum_j e^{s_j}) - s_y; dL_i/ds_j = p_j - 1{j = y}
      total += probabilities(s, g, row, c) - s[row + y];
      for (int j = 0; j < c; j++) {
        g[row + j] *= invN;
      }
      g[row + y] -= invN;
    }
    return total / n;
  }

  @Override
  public void output(FMatrixRMaj scores, FMatrixRMaj output) {
    int c = scores.numCols;
    for (int row = 0; row < scores.getNumElements(); row += c) {
      probabilities(scores.data, output.data, row, c);
    }
  }

  /**
   * Writes the softmax of {@code s[row..row+c)} to {@code p[row..row+c)}, computed with the maximum
   * subtracted so that no exponential overflows, and returns {@code log(sum_j e^{s_j})}.
   */
  private static double probabilities(float[] s, float[] p, int row, int c) {
    float max = s[row];
    for (int j = 1; j < c; j++) {
      max = Math.max(max, s[row + j]);
    }
    double sum = 0;
    for (int j = 0; j < c; j++) {
      float e = (float) Math.exp(s[row + j] - max);
      p[row + j] = e;
      sum += e;
    }
    float invSum = (float) (1.0 / sum);
    for (int j = 0; j < c; j++) {
      p[row + j] *= invSum;
    }
    return max + Math.log(sum);
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public int countCorrect(FMatrixRMaj scores, FMatrixRMaj targets) {
    return Loss.countArgmaxCorrect(scores, targets);
  }
}
