package io.kafkamlp.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Each loss on small score matrices chosen by hand, against the textbook formula evaluated here in
 * double precision, averaged over the rows.
 */
class LossTest {

  private static final double TOL = 1e-6;

  /** Two samples, three outputs, no ties within a row. */
  private static final float[][] SCORES = {{1.0f, 2.0f, 3.5f}, {0.5f, -1.0f, 2.0f}};

  // ---------------------------------------------------------------- softmax

  @Test
  void shouldMatchMeanNegativeLogProbabilityWhenSoftmax() {
    // Given
    Loss loss = Losses.softmax();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    int[] labels = {1, 0};
    FMatrixRMaj targets = labels(labels);
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: L_i = -log(e^{s_y} / sum_j e^{s_j}), dL/ds_j = (p_j - 1{j = y}) / n
    double total = 0;
    for (int i = 0; i < 2; i++) {
      double sum = 0;
      for (int j = 0; j < 3; j++) {
        sum += Math.exp(SCORES[i][j]);
      }
      total += -Math.log(Math.exp(SCORES[i][labels[i]]) / sum);
      for (int j = 0; j < 3; j++) {
        double p = Math.exp(SCORES[i][j]) / sum;
        double expected = (p - (j == labels[i] ? 1 : 0)) / 2;
        assertEquals(expected, gradient.get(i, j), TOL, "gradient (" + i + ", " + j + ")");
      }
    }
    assertEquals(total / 2, value, TOL);
  }

  @Test
  void shouldOutputProbabilitiesSummingToOneWhenSoftmax() {
    // Given
    Loss loss = Losses.softmax();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    FMatrixRMaj output = new FMatrixRMaj(2, 3);

    // When
    loss.output(scores, output);

    // Then
    for (int i = 0; i < 2; i++) {
      double sum = 0;
      double norm = 0;
      for (int j = 0; j < 3; j++) {
        sum += output.get(i, j);
        norm += Math.exp(SCORES[i][j]);
      }
      assertEquals(1.0, sum, 1e-6, "row " + i);
      for (int j = 0; j < 3; j++) {
        assertEquals(Math.exp(SCORES[i][j]) / norm, output.get(i, j), TOL);
      }
    }
  }

  @Test
  void shouldGiveLogOfClassCountWhenAllScoresAreEqual() {
    // Given
    Loss loss = Losses.softmax();
    FMatrixRMaj scores = new FMatrixRMaj(new float[][] {{0.7f, 0.7f, 0.7f}, {-2f, -2f, -2f}});
    FMatrixRMaj targets = labels(new int[] {2, 0});
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then
    assertEquals(Math.log(3), value, TOL);
    assertEquals((1.0 / 3 - 1) / 2, gradient.get(0, 2), TOL);
    assertEquals(1.0 / 3 / 2, gradient.get(0, 0), TOL);
  }

  @Test
  void shouldStayFiniteWhenScoresAreHuge() {
    // Given
    Loss loss = Losses.softmax();
    FMatrixRMaj scores = new FMatrixRMaj(new float[][] {{1e4f, 0f, -1e4f}, {1e4f, 1e4f, 1e4f}});
    FMatrixRMaj targets = labels(new int[] {1, 0});
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);
    FMatrixRMaj output = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);
    loss.output(scores, output);

    // Then: row 0 loses 1e4 (its label is 1e4 below the max), row 1 ln 3
    assertTrue(Double.isFinite(value), "loss " + value);
    assertEquals((1e4 + Math.log(3)) / 2, value, 1e-3);
    for (int k = 0; k < 6; k++) {
      assertTrue(Float.isFinite(gradient.data[k]), "gradient " + k);
      assertTrue(Float.isFinite(output.data[k]), "output " + k);
    }
    assertEquals(1.0, output.get(0, 0), TOL);
    assertEquals(1.0 / 3, output.get(1, 2), TOL);
  }

  // ---------------------------------------------------------------- svm

  @Test
  void shouldSumViolatedMarginsWhenSvm() {
    // Given
    Loss loss = Losses.svm();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    int[] labels = {1, 0};
    FMatrixRMaj targets = labels(labels);
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: L_i = sum_{j != y} max(0, s_j - s_y + 1)
    double total = 0;
    for (int i = 0; i < 2; i++) {
      int y = labels[i];
      double gy = 0;
      for (int j = 0; j < 3; j++) {
        if (j == y) {
          continue;
        }
        double margin = SCORES[i][j] - SCORES[i][y] + 1;
        total += Math.max(0, margin);
        double gj = margin > 0 ? 0.5 : 0;
        gy -= gj;
        assertEquals(gj, gradient.get(i, j), TOL, "gradient (" + i + ", " + j + ")");
      }
      assertEquals(gy, gradient.get(i, y), TOL, "gradient (" + i + ", " + y + ")");
    }
    // row 0: (1-2+1)=0 -> 0 (on the kink: no gradient), (3.5-2+1)=2.5;
    // row 1: (-1-0.5+1)<0, (2-0.5+1)=2.5
    assertEquals(2.5, total / 2, 1e-12);
    assertEquals(total / 2, value, TOL);
  }

  @Test
  void shouldGiveZeroLossAndGradientWhenAllMarginsAreSatisfied() {
    // Given
    Loss loss = Losses.svm();
    FMatrixRMaj scores = new FMatrixRMaj(new float[][] {{5f, 1f, 2f}, {0f, -0.5f, 3f}});
    FMatrixRMaj targets = labels(new int[] {0, 2});
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);
    java.util.Arrays.fill(gradient.data, 42f);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then
    assertEquals(0.0, value, 0.0);
    for (int k = 0; k < 6; k++) {
      assertEquals(0f, gradient.data[k], 0f, "gradient " + k);
    }
  }

  @Test
  void shouldPassScoresThroughWhenSvmOutput() {
    // Given
    Loss loss = Losses.svm();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    FMatrixRMaj output = new FMatrixRMaj(2, 3);

    // When
    loss.output(scores, output);

    // Then
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(SCORES[i][j], output.get(i, j));
      }
    }
  }

  // ---------------------------------------------------------------- multi-label

  @Test
  void shouldSumBinaryCrossEntropiesWhenMultiLabel() {
    // Given
    Loss loss = Losses.multiLabel();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    float[][] t = {{1f, 0f, 1f}, {0f, 0f, 1f}};
    FMatrixRMaj targets = new FMatrixRMaj(t);
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: L_i = -sum_c [t log p + (1 - t) log(1 - p)], p = sigmoid(s); dL/ds = (p - t) / n
    double total = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        double p = 1 / (1 + Math.exp(-SCORES[i][j]));
        total += -(t[i][j] * Math.log(p) + (1 - t[i][j]) * Math.log(1 - p));
        assertEquals((p - t[i][j]) / 2, gradient.get(i, j), TOL, "(" + i + ", " + j + ")");
      }
    }
    assertEquals(total / 2, value, TOL);
  }

  @Test
  void shouldStayFiniteWhenMultiLabelScoresAreHuge() {
    // Given
    Loss loss = Losses.multiLabel();
    FMatrixRMaj scores = new FMatrixRMaj(new float[][] {{1e4f, -1e4f, 1e4f}});
    FMatrixRMaj targets = new FMatrixRMaj(new float[][] {{0f, 0f, 1f}});
    FMatrixRMaj gradient = new FMatrixRMaj(1, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: only the first label is wrong, by 1e4
    assertEquals(1e4, value, 1e-3);
    assertEquals(1.0, gradient.get(0, 0), TOL);
    assertEquals(0.0, gradient.get(0, 1), TOL);
    assertEquals(0.0, gradient.get(0, 2), TOL);
  }

  @Test
  void shouldOutputPerLabelProbabilitiesWhenMultiLabel() {
    // Given
    Loss loss = Losses.multiLabel();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    FMatrixRMaj output = new FMatrixRMaj(2, 3);

    // When
    loss.output(scores, output);

    // Then
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(1 / (1 + Math.exp(-SCORES[i][j])), output.get(i, j), TOL);
      }
    }
  }

  // ---------------------------------------------------------------- regression

  @Test
  void shouldSumSquaredErrorsWhenL2() {
    // Given
    Loss loss = Losses.l2();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    float[][] t = {{0.5f, 2f, 4f}, {-1f, 1f, 2f}};
    FMatrixRMaj targets = new FMatrixRMaj(t);
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: L_i = sum (s - t)^2, dL/ds = 2 (s - t) / n
    double total = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        double d = SCORES[i][j] - t[i][j];
        total += d * d;
        assertEquals(2 * d / 2, gradient.get(i, j), TOL, "(" + i + ", " + j + ")");
      }
    }
    // 0.25 + 0 + 0.25 + 2.25 + 4 + 0 = 6.75
    assertEquals(6.75, total, 1e-12);
    assertEquals(total / 2, value, TOL);
  }

  @Test
  void shouldSumAbsoluteErrorsWhenL1() {
    // Given
    Loss loss = Losses.l1();
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    float[][] t = {{0.5f, 2f, 4f}, {-1f, 1f, 2f}};
    FMatrixRMaj targets = new FMatrixRMaj(t);
    FMatrixRMaj gradient = new FMatrixRMaj(2, 3);

    // When
    double value = loss.lossAndGradient(scores, targets, gradient);

    // Then: L_i = sum |s - t|, dL/ds = sign(s - t) / n
    double total = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        double d = SCORES[i][j] - t[i][j];
        total += Math.abs(d);
        assertEquals(Math.signum(d) / 2, gradient.get(i, j), TOL, "(" + i + ", " + j + ")");
      }
    }
    // 0.5 + 0 + 0.5 + 1.5 + 2 + 0 = 4.5
    assertEquals(4.5, total, 1e-12);
    assertEquals(total / 2, value, TOL);
  }

  // ---------------------------------------------------------------- accuracy and shapes

  @Test
  void shouldCountArgmaxMatchesWhenSoftmaxOrSvm() {
    // Given: argmax of row 0 is 2, of row 1 is 2, of row 2 is 0
    FMatrixRMaj scores =
        new FMatrixRMaj(new float[][] {{1.0f, 2.0f, 3.5f}, {0.5f, -1.0f, 2.0f}, {9f, 1f, 8.9f}});
    FMatrixRMaj targets = labels(new int[] {2, 1, 0});

    // When
    int softmax = Losses.softmax().countCorrect(scores, targets);
    int svm = Losses.svm().countCorrect(scores, targets);

    // Then
    assertEquals(2, softmax);
    assertEquals(2, svm);
  }

  @Test
  void shouldCountOnlyExactMatchesWhenMultiLabel() {
    // Given: row 0 all right; row 1 wrong on its last label; row 2 all right
    FMatrixRMaj scores =
        new FMatrixRMaj(new float[][] {{2f, -1f, 0.5f}, {3f, -2f, -0.1f}, {-4f, -3f, -2f}});
    FMatrixRMaj targets = new FMatrixRMaj(new float[][] {{1f, 0f, 1f}, {1f, 0f, 1f}, {0f, 0f, 0f}});

    // When
    int correct = Losses.multiLabel().countCorrect(scores, targets);

    // Then
    assertEquals(2, correct);
  }

  @Test
  void shouldRejectAccuracyWhenLossIsRegression() {
    // Given
    FMatrixRMaj scores = new FMatrixRMaj(SCORES);
    FMatrixRMaj targets = new FMatrixRMaj(2, 3);

    // When / Then
    assertThrows(
        UnsupportedOperationException.class, () -> Losses.l2().countCorrect(scores, targets));
    assertThrows(
        UnsupportedOperationException.class, () -> Losses.l1().countCorrect(scores, targets));
    assertFalse(Losses.l2().isClassifier());
    assertFalse(Losses.l1().isClassifier());
    assertTrue(Losses.softmax().isClassifier());
    assertTrue(Losses.svm().isClassifier());
    assertTrue(Losses.multiLabel().isClassifier());
  }

  @Test
  void shouldNeedOneTargetColumnPerSampleOrPerOutputWhenAskedForTargetWidth() {
    // Given
    int outputs = 7;

    // When / Then
    assertEquals(1, Losses.softmax().targetWidth(outputs));
    assertEquals(1, Losses.svm().targetWidth(outputs));
    assertEquals(outputs, Losses.multiLabel().targetWidth(outputs));
    assertEquals(outputs, Losses.l2().targetWidth(outputs));
    assertEquals(outputs, Losses.l1().targetWidth(outputs));
  }

  @Test
  void shouldResolveEverySpecNameWhenByName() {
    // Given
    String[] names = Losses.NAMES.split("\\|");

    // When / Then
    for (String name : names) {
      assertEquals(name, Losses.byName(name).name());
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Losses.byName("hinge"));
    assertTrue(e.getMessage().contains("hinge"), e.getMessage());
  }

  private static FMatrixRMaj labels(int[] labels) {
    FMatrixRMaj targets = new FMatrixRMaj(labels.length, 1);
    for (int i = 0; i < labels.length; i++) {
      targets.data[i] = labels[i];
    }
    return targets;
  }
}
