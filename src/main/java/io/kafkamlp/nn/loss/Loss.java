package io.kafkamlp.nn.loss;

import org.ejml.data.FMatrixRMaj;

/**
 * A data loss over a mini-batch of scores (the network's linear outputs, one sample per row).
 *
 * <p>Targets are a matrix with one row per sample: for the single-label classification losses
 * (softmax, SVM) one column holding the class index; for multi-label one 0/1 column per label; for
 * regression one column per output. {@link #targetWidth} says which.
 */
public interface Loss {

  /** The name used in model specs: {@code softmax}, {@code svm}, ... */
  String name();

  /** Columns of a target row for a network with {@code outputs} outputs. */
  int targetWidth(int outputs);

  /**
   * Computes the mean loss over the rows and its gradient.
   *
   * @param scores (n x outputs) not modified
   * @param targets (n x targetWidth) not modified; assumed valid (validated upstream)
   * @param gradient (n x outputs) modified: d(mean loss)/d(scores)
   * @return the mean loss over the n rows
   */
  double lossAndGradient(FMatrixRMaj scores, FMatrixRMaj targets, FMatrixRMaj gradient);

  /**
   * Turns scores into what a prediction reports: class probabilities (softmax), per-label
   * probabilities (multi-label), the raw scores (SVM) or the predicted values (regression).
   *
   * @param scores (n x outputs) not modified
   * @param output (n x outputs) modified; may be {@code scores} itself
   */
  void output(FMatrixRMaj scores, FMatrixRMaj output);

  /** Whether {@link #countCorrect} is defined: true for the classification losses. */
  boolean isClassifier();

  /**
   * Number of rows predicted right: argmax equal to the label (softmax, SVM), or every label's
   * probability on the right side of 0.5 (multi-label).
   *
   * @throws UnsupportedOperationException for regression losses
   */
  int countCorrect(FMatrixRMaj scores, FMatrixRMaj targets);

  /** Mixes the discrete choices of the last loss evaluation into {@code hash} (see Layer). */
  default long kinks(FMatrixRMaj scores, FMatrixRMaj targets, long hash) {
    return hash;
  }

  /** The column of the largest value in {@code row} of {@code m} (the first, on a tie). */
  static int argmax(FMatrixRMaj m, int row) {
    int cols = m.numCols;
    int start = row * cols;
    int best = 0;
    for (int j = 1; j < cols; j++) {
      if (m.data[start + j] > m.data[start + best]) {
        best = j;
      }
    }
    return best;
  }

  /** Counts rows whose argmax equals the class index in column 0 of {@code targets}. */
  static int countArgmaxCorrect(FMatrixRMaj scores, FMatrixRMaj targets) {
    int correct = 0;
    for (int i = 0; i < scores.numRows; i++) {
      if (argmax(scores, i) == (int) targets.data[i]) {
        correct++;
      }
    }
    return correct;
  }
}
