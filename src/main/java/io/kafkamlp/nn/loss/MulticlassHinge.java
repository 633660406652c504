package io.kafkamlp.nn.loss;

import org.ejml.data.FMatrixRMaj;

/**
 * Multiclass SVM (Weston and Watkins): {@code L_i = sum_{j != y} max(0, s_j - s_y + 1)}. Its kinks
 * are where a margin crosses zero; the gradient there is taken as 0.
 */
final class MulticlassHinge implements Loss {

  private static final float MARGIN = 1f;

  @Override
  public String name() {
    return "svm";
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
      float sy = s[row + y];
      int violations = 0;
      for (int j = 0; j < c; j++) {
        float margin = s[row + j] - sy + MARGIN;
        if (j != y && margin > 0f) {
          total += margin;
          g[row + j] = invN;
          violations++;
        } else {
          g[row + j] = 0f;
        }
      }
      g[row + y] = -violations * invN;
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
    return true;
  }

  @Override
  public int countCorrect(FMatrixRMaj scores, FMatrixRMaj targets) {
    return Loss.countArgmaxCorrect(scores, targets);
  }

  @Override
  public long kinks(FMatrixRMaj scores, FMatrixRMaj targets, long hash) {
    int c = scores.numCols;
    long h = hash;
    for (int i = 0; i < scores.numRows; i++) {
      float sy = scores.data[i * c + (int) targets.data[i]];
      for (int j = 0; j < c; j++) {
        h = h * 31 + (scores.data[i * c + j] - sy + MARGIN > 0f ? 1 : 0);
      }
    }
    return h;
  }
}
