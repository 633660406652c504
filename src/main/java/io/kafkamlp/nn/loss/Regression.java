package io.kafkamlp.nn.loss;

import org.ejml.data.FMatrixRMaj;

/**
 * Regression losses on real-valued targets, one per output: L2, {@code L_i = ||s - t||_2^2} with
 * gradient {@code 2 (s - t)}, or L1, {@code L_i = ||s - t||_1} with gradient {@code sign(s - t)} (a
 * kink where {@code s = t}).
 */
final class Regression implements Loss {

  private final boolean l1;

  Regression(boolean l1) {
    this.l1 = l1;
  }

  @Override
  public String name() {
    return l1 ? "l1" : "l2";
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
      float d = s[k] - t[k];
      if (l1) {
        total += Math.abs(d);
        g[k] = Math.signum(d) * invN;
      } else {
        total += d * d;
        g[k] = 2f * d * invN;
      }
    }
    return total / n;
  }

  @Override
  public void output(FMatrixRMaj scores, FMatrixRMaj output) {
    if (output != scores) {
      output.setTo(scores);
    }
  }

  @Override
  public boolean isClassifier() {
    return false;
  }

  @Override
  public int countCorrect(FMatrixRMaj scores, FMatrixRMaj targets) {
    throw new UnsupportedOperationException(name() + " is a regression loss: no accuracy");
  }

  @Override
  public long kinks(FMatrixRMaj scores, FMatrixRMaj targets, long hash) {
    if (!l1) {
      return hash;
    }
    long h = hash;
    for (int k = 0; k < scores.getNumElements(); k++) {
      h = h * 31 + (scores.data[k] > targets.data[k] ? 1 : 0);
    }
    return h;
  }
}
