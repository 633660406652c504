package io.kafkamlp.nn.loss;

import org.ejml.data.FMatrixRMaj;

/**
 * Independent binary logistic loss per label, for samples that carry several labels at once: {@code
 * L_i = sum_c [log(1 + e^{s_c}) - t_c s_c]} with {@code t_c} in {0, 1}, computed as {@code max(s,
 * 0) - t s + log(1 + e^{-|s|})} for stability; {@code dL_i/ds_c = sigmoid(s_c) - t_c}.
 */
final class MultiLabelSigmoid implements Loss {

  @Override
  public String name() {
    return "multilabel";
  }

  @Override
  public int targetWidth(int outputs) {
    return outputs;
  }

  @Override
  public double lossAndGradient(FMatrixRMaj scores, FMatrixRMaj targets, FMatrixRMaj gradient) {
    int n = scores.numRows;
    int size = scores.getNumElements();
    float[] s = scores.data;
    float[] t = targets.data;
    float[] g = gradient.data;
    float invN = 1f / n;
    double total = 0;
    for (int k = 0; k < size; k++) {
      float x = s[k];
      total += Math.max(x, 0f) - t[k] * x + Math.log1p(Math.exp(-Math.abs(x)));
      g[k] = (sigmoid(x) - t[k]) * invN;
    }
    return total / n;
  }

  @Override
  public void output(FMatrixRMaj scores, FMatrixRMaj output) {
    int size = scores.getNumElements();
    for (int k = 0; k < size; k++) {
      output.data[k] = sigmoid(scores.data[k]);
    }
  }

  @Override
  public boolean isClassifier() {
    return true;
  }

  @Override
  public int countCorrect(FMatrixRMaj scores, FMatrixRMaj targets) {
    int c = scores.numCols;
    int correct = 0;
    for (int i = 0; i < scores.numRows; i++) {
      boolean all = true;
      for (int j = i * c; j < (i + 1) * c && all; j++) {
        all = (scores.data[j] > 0f) == (targets.data[j] > 0.5f);
      }
      correct += all ? 1 : 0;
    }
    return correct;
  }

  private static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }
}
