package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.activation.Activation;
import io.kafkamlp.nn.activation.Activations;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The forward (and some backward) behaviour of the layers, the activations and the random
 * generator, against straightforward double-precision computations written out here.
 */
class LayerTest {

  private static final double TOL = 1e-5;

  // ---------------------------------------------------------------- DenseLayer

  @Test
  void shouldComputeInputTimesWeightsPlusBiasWhenDenseForward() {
    // Given
    DenseLayer layer = new DenseLayer("dense0", 7, 19, true, 0.5, new Rng(3));
    Random random = new Random(5);
    FMatrixRMaj b = layer.parameters().get(1).value();
    fill(b, random);
    FMatrixRMaj x = random(6, 7, random);
    FMatrixRMaj w = layer.weights().value();

    // When
    FMatrixRMaj s = layer.forward(x, true);

    // Then
    assertEquals(6, s.numRows);
    assertEquals(19, s.numCols);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 19; j++) {
        double expected = b.get(0, j);
        for (int p = 0; p < 7; p++) {
          expected += (double) x.get(i, p) * w.get(p, j);
        }
        assertEquals(expected, s.get(i, j), TOL, "S(" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void shouldOmitBiasWhenDenseLayerHasNone() {
    // Given
    DenseLayer layer = new DenseLayer("dense0", 3, 2, false, 1.0, new Rng(11));
    FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, 2, 3}});
    FMatrixRMaj w = layer.weights().value();

    // When
    FMatrixRMaj s = layer.forward(x, false);

    // Then
    assertEquals(1, layer.parameters().size());
    for (int j = 0; j < 2; j++) {
      double expected = 1.0 * w.get(0, j) + 2.0 * w.get(1, j) + 3.0 * w.get(2, j);
      assertEquals(expected, s.get(0, j), TOL);
    }
  }

  @Test
  void shouldInitializeWeightsWithTheGivenStdWhenDenseLayerIsCreated() {
    // Given
    double std = 0.05;

    // When
    DenseLayer layer = new DenseLayer("dense0", 200, 100, true, std, new Rng(42));

    // Then
    float[] w = layer.weights().value().data;
    double sum = 0;
    double sumSq = 0;
    for (float v : w) {
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / w.length;
    double var = sumSq / w.length - mean * mean;
    assertEquals(0.0, mean, 0.002);
    assertEquals(std, Math.sqrt(var), 0.002);
    for (float v : layer.parameters().get(1).value().data) {
      assertEquals(0f, v);
    }
  }

  @Test
  void shouldComputeWeightBiasAndInputGradientsWhenDenseBackward() {
    // Given
    DenseLayer layer = new DenseLayer("dense0", 5, 18, true, 0.3, new Rng(8));
    Random random = new Random(9);
    FMatrixRMaj x = random(7, 5, random);
    FMatrixRMaj dS = random(7, 18, random);
    FMatrixRMaj w = layer.weights().value();
    layer.forward(x, true);

    // When
    FMatrixRMaj dX = layer.backward(dS, true);

    // Then: dW = X^T dS, db = column sums of dS, dX = dS W^T
    FMatrixRMaj dW = layer.weights().gradient();
    FMatrixRMaj db = layer.parameters().get(1).gradient();
    for (int p = 0; p < 5; p++) {
      for (int j = 0; j < 18; j++) {
        double expected = 0;
        for (int i = 0; i < 7; i++) {
          expected += (double) x.get(i, p) * dS.get(i, j);
        }
        assertEquals(expected, dW.get(p, j), TOL, "dW(" + p + ", " + j + ")");
      }
    }
    for (int j = 0; j < 18; j++) {
      double expected = 0;
      for (int i = 0; i < 7; i++) {
        expected += dS.get(i, j);
      }
      assertEquals(expected, db.get(0, j), TOL, "db(" + j + ")");
    }
    assertEquals(7, dX.numRows);
    assertEquals(5, dX.numCols);
    for (int i = 0; i < 7; i++) {
      for (int p = 0; p < 5; p++) {
        double expected = 0;
        for (int j = 0; j < 18; j++) {
          expected += (double) dS.get(i, j) * w.get(p, j);
        }
        assertEquals(expected, dX.get(i, p), TOL, "dX(" + i + ", " + p + ")");
      }
    }
  }

  // ---------------------------------------------------------------- DropoutLayer

  @Test
  void shouldReturnInputUnchangedWhenDropoutInInference() {
    // Given
    DropoutLayer layer = new DropoutLayer(4, 0.5, new Rng(1));
    FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, -2, 3, 4}, {5, 6, -7, 8}});
    float[] before = x.data.clone();

    // When
    FMatrixRMaj y = layer.forward(x, false);

    // Then
    assertSame(x, y);
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i], y.data[i]);
    }
  }

  @Test
  void shouldDropHalfAndScaleSurvivorsByTwoWhenTrainingWithHalfDropout() {
    // Given
    DropoutLayer layer = new DropoutLayer(200, 0.5, new Rng(2024));
    FMatrixRMaj ones = ones(200, 200);

    // When
    FMatrixRMaj y = layer.forward(ones, true);

    // Then
    int kept = 0;
    double sum = 0;
    for (int i = 0; i < y.getNumElements(); i++) {
      float v = y.data[i];
      assertTrue(v == 0f || v == 2f, "value " + v);
      kept += v == 2f ? 1 : 0;
      sum += v;
    }
    double keptFraction = kept / 40000.0;
    assertTrue(keptFraction >= 0.45 && keptFraction <= 0.55, "kept " + keptFraction);
    assertEquals(1.0, sum / 40000.0, 0.05);
  }

  @Test
  void shouldKeepEverythingWhenDropProbabilityIsZero() {
    // Given
    DropoutLayer layer = new DropoutLayer(3, 0.0, new Rng(5));
    FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1.5f, -2f, 3f}});

    // When
    FMatrixRMaj y = layer.forward(x, true);

    // Then
    assertEquals(1.5f, y.get(0, 0));
    assertEquals(-2f, y.get(0, 1));
    assertEquals(3f, y.get(0, 2));
  }

  @Test
  void shouldDrawTheSameMaskWhenRngSeedIsTheSame() {
    // Given
    DropoutLayer first = new DropoutLayer(50, 0.3, new Rng(77));
    DropoutLayer second = new DropoutLayer(50, 0.3, new Rng(77));
    DropoutLayer other = new DropoutLayer(50, 0.3, new Rng(78));
    FMatrixRMaj ones = ones(40, 50);

    // When
    float[] a = first.forward(ones, true).data.clone();
    float[] b = second.forward(ones, true).data.clone();
    float[] c = other.forward(ones, true).data.clone();

    // Then
    for (int i = 0; i < 40 * 50; i++) {
      assertEquals(a[i], b[i], "element " + i);
    }
    boolean differs = false;
    for (int i = 0; i < 40 * 50; i++) {
      differs |= a[i] != c[i];
    }
    assertTrue(differs, "another seed should give another mask");
  }

  @Test
  void shouldDrawAFreshMaskWhenForwardIsCalledAgain() {
    // Given
    DropoutLayer layer = new DropoutLayer(30, 0.5, new Rng(12));
    FMatrixRMaj ones = ones(10, 30);
    float[] firstMask = layer.forward(ones, true).data.clone();

    // When
    float[] secondMask = layer.forward(ones, true).data.clone();

    // Then
    boolean differs = false;
    for (int i = 0; i < firstMask.length; i++) {
      differs |= firstMask[i] != secondMask[i];
    }
    assertTrue(differs);
  }

  @Test
  void shouldMultiplyGradientByTheForwardMaskWhenDropoutBackward() {
    // Given: with an input of ones the forward output is the mask itself
    DropoutLayer layer = new DropoutLayer(20, 0.4, new Rng(31));
    FMatrixRMaj ones = ones(15, 20);
    float[] mask = layer.forward(ones, true).data.clone();
    FMatrixRMaj dOut = random(15, 20, new Random(32));

    // When
    FMatrixRMaj dIn = layer.backward(dOut, true);

    // Then
    float keep = (float) (1.0 / 0.6);
    for (int i = 0; i < 15 * 20; i++) {
      assertTrue(mask[i] == 0f || mask[i] == keep, "mask " + mask[i]);
      assertEquals(dOut.data[i] * mask[i], dIn.data[i], "element " + i);
    }
  }

  @Test
  void shouldRejectWhenDropProbabilityIsOne() {
    // Given / When / Then
    assertThrows(IllegalArgumentException.class, () -> new DropoutLayer(3, 1.0, new Rng(1)));
    assertThrows(IllegalArgumentException.class, () -> new DropoutLayer(3, -0.1, new Rng(1)));
  }

  // ---------------------------------------------------------------- BatchNormLayer

  @Test
  void shouldNormalizeEachColumnToZeroMeanUnitVarianceWhenTraining() {
    // Given
    BatchNormLayer layer = new BatchNormLayer("bn0", 6, 0.9);
    FMatrixRMaj x = shiftedRandom(64, 6, new Random(41));

    // When
    FMatrixRMaj y = layer.forward(x, true);

    // Then
    for (int j = 0; j < 6; j++) {
      double mean = 0;
      for (int i = 0; i < 64; i++) {
        mean += y.get(i, j);
      }
      mean /= 64;
      double var = 0;
      for (int i = 0; i < 64; i++) {
        var += (y.get(i, j) - mean) * (y.get(i, j) - mean);
      }
      var /= 64;
      assertEquals(0.0, mean, 1e-3, "mean of column " + j);
      assertEquals(1.0, var, 1e-3, "variance of column " + j);
    }
  }

  @Test
  void shouldMoveRunningMeanTowardBatchMeanWhenTrainingStepIsCommitted() {
    // Given
    double momentum = 0.8;
    BatchNormLayer layer = new BatchNormLayer("bn0", 4, momentum);
    FMatrixRMaj first = shiftedRandom(16, 4, new Random(43));
    FMatrixRMaj second = shiftedRandom(16, 4, new Random(44));
    FMatrixRMaj runningMean = layer.buffers().get(0);

    // When
    layer.forward(first, true);
    layer.commit();
    float[] afterFirst = runningMean.data.clone();
    layer.forward(second, true);
    layer.commit();

    // Then: r <- momentum r + (1 - momentum) mean_B, starting from 0
    double[] firstMean = columnMeans(first);
    double[] secondMean = columnMeans(second);
    for (int j = 0; j < 4; j++) {
      double r1 = (1 - momentum) * firstMean[j];
      double r2 = momentum * r1 + (1 - momentum) * secondMean[j];
      assertEquals(r1, afterFirst[j], 1e-4, "running mean after 1, column " + j);
      assertEquals(r2, runningMean.data[j], 1e-4, "running mean after 2, column " + j);
    }
  }

  @Test
  void shouldUseRunningStatisticsWhenInInference() {
    // Given: one committed training batch with column means around 5
    double momentum = 0.7;
    BatchNormLayer layer = new BatchNormLayer("bn0", 3, momentum);
    FMatrixRMaj batch = shiftedRandom(10, 3, new Random(45));
    layer.forward(batch, true);
    layer.commit();
    FMatrixRMaj row = new FMatrixRMaj(new float[][] {{5.5f, 3f, 6.25f}});

    // When
    FMatrixRMaj y = layer.forward(row, false);

    // Then: running mean 0 -> (1-m) mean_B; running variance 1 -> m + (1-m) var_B unbiased
    double[] mean = columnMeans(batch);
    assertEquals(1, y.numRows);
    for (int j = 0; j < 3; j++) {
      double sq = 0;
      for (int i = 0; i < 10; i++) {
        sq += (batch.get(i, j) - mean[j]) * (batch.get(i, j) - mean[j]);
      }
      double unbiasedVar = sq / (10 - 1);
      double runningMean = (1 - momentum) * mean[j];
      double runningVar = momentum * 1.0 + (1 - momentum) * unbiasedVar;
      double expected = (row.get(0, j) - runningMean) / Math.sqrt(runningVar + 1e-5);
      assertEquals(expected, y.get(0, j), 1e-4, "column " + j);
      assertEquals(runningMean, layer.buffers().get(0).get(0, j), 1e-4);
      assertEquals(runningVar, layer.buffers().get(1).get(0, j), 1e-4);
    }
  }

  @Test
  void shouldNotChangeRunningStatisticsWhenInInference() {
    // Given
    BatchNormLayer layer = new BatchNormLayer("bn0", 3, 0.9);
    layer.forward(shiftedRandom(8, 3, new Random(46)), true);
    layer.commit();
    float[] mean = layer.buffers().get(0).data.clone();
    float[] var = layer.buffers().get(1).data.clone();

    // When
    layer.forward(shiftedRandom(8, 3, new Random(47)), false);
    layer.commit();

    // Then
    for (int j = 0; j < 3; j++) {
      assertEquals(mean[j], layer.buffers().get(0).data[j]);
      assertEquals(var[j], layer.buffers().get(1).data[j]);
    }
  }

  @Test
  void shouldLeaveRunningStatisticsUntouchedWhenTrainingStepIsNotCommitted() {
    // Given: a step that is not applied (gradient check, rejected batch) must not leak into them
    BatchNormLayer layer = new BatchNormLayer("bn0", 3, 0.9);

    // When
    layer.forward(shiftedRandom(8, 3, new Random(48)), true);

    // Then: still the initial running mean 0 and running variance 1
    for (int j = 0; j < 3; j++) {
      assertEquals(0f, layer.buffers().get(0).data[j]);
      assertEquals(1f, layer.buffers().get(1).data[j]);
    }
  }

  @Test
  void shouldFoldOnlyOnceWhenCommitIsCalledTwice() {
    // Given
    double momentum = 0.5;
    BatchNormLayer layer = new BatchNormLayer("bn0", 2, momentum);
    FMatrixRMaj batch = shiftedRandom(12, 2, new Random(49));
    layer.forward(batch, true);
    layer.commit();

    // When
    layer.commit();

    // Then
    double[] mean = columnMeans(batch);
    for (int j = 0; j < 2; j++) {
      assertEquals((1 - momentum) * mean[j], layer.buffers().get(0).data[j], 1e-4);
    }
  }

  // ---------------------------------------------------------------- Activations

  private static final float[] Z = {-3f, -0.5f, 0f, 0.25f, 2f, 7.5f};

  @Test
  void shouldClampNegativesToZeroWhenRelu() {
    // Given
    Activation relu = Activations.relu();

    // When
    float[] a = apply(relu, Z);

    // Then
    for (int i = 0; i < Z.length; i++) {
      assertEquals(Z[i] > 0 ? Z[i] : 0.0, a[i], 0.0, "relu(" + Z[i] + ")");
    }
    assertEquals("relu", relu.name());
  }

  @Test
  void shouldScaleNegativesBySlopeWhenLeakyRelu() {
    // Given
    Activation leaky = Activations.leakyRelu(0.1);

    // When
    float[] a = apply(leaky, Z);

    // Then
    for (int i = 0; i < Z.length; i++) {
      double expected = Z[i] > 0 ? Z[i] : 0.1 * Z[i];
      assertEquals(expected, a[i], 1e-6, "leaky-relu(" + Z[i] + ")");
    }
  }

  @Test
  void shouldMatchHyperbolicTangentWhenTanh() {
    // Given
    Activation tanh = Activations.tanh();

    // When
    float[] a = apply(tanh, Z);

    // Then
    for (int i = 0; i < Z.length; i++) {
      double e2 = Math.exp(2.0 * Z[i]);
      assertEquals((e2 - 1) / (e2 + 1), a[i], 1e-6, "tanh(" + Z[i] + ")");
    }
  }

  @Test
  void shouldMatchLogisticFunctionWhenSigmoid() {
    // Given
    Activation sigmoid = Activations.sigmoid();

    // When
    float[] a = apply(sigmoid, Z);

    // Then
    for (int i = 0; i < Z.length; i++) {
      assertEquals(1.0 / (1.0 + Math.exp(-Z[i])), a[i], 1e-6, "sigmoid(" + Z[i] + ")");
    }
    assertEquals(0.5, a[2], 0.0);
  }

  @Test
  void shouldReturnInputWhenIdentity() {
    // Given
    Activation identity = Activations.identity();

    // When
    float[] a = apply(identity, Z);

    // Then
    for (int i = 0; i < Z.length; i++) {
      assertEquals(Z[i], a[i]);
    }
  }

  @Test
  void shouldPickTheMaxOfConsecutivePiecesWhenMaxout() {
    // Given: 2 rows, 3 units of 2 pieces each
    Activation maxout = Activations.maxout(2);
    FMatrixRMaj z =
        new FMatrixRMaj(new float[][] {{1f, -2f, -3f, -0.5f, 4f, 4.5f}, {0f, 0f, 9f, 8f, -1f, 2f}});
    FMatrixRMaj a = new FMatrixRMaj(2, 3);

    // When
    maxout.forward(z, a);

    // Then
    float[][] expected = {{1f, -0.5f, 4.5f}, {0f, 9f, 2f}};
    for (int i = 0; i < 2; i++) {
      for (int u = 0; u < 3; u++) {
        assertEquals(expected[i][u], a.get(i, u), "unit " + u + " of row " + i);
      }
    }
  }

  @Test
  void shouldGroupKColumnsPerUnitWhenMaxoutHasThreePieces() {
    // Given
    Activation maxout = Activations.byName("maxout", 0.0, 3);
    FMatrixRMaj z = new FMatrixRMaj(new float[][] {{-1f, 5f, 2f, 3f, -7f, 3.5f}});
    FMatrixRMaj a = new FMatrixRMaj(1, 2);

    // When
    maxout.forward(z, a);

    // Then
    assertEquals(12, maxout.inputWidth(4));
    assertEquals(3, maxout.inputWidth(1));
    assertEquals(12, new ActivationLayer(maxout, 4).inputWidth());
    assertEquals(5f, a.get(0, 0));
    assertEquals(3.5f, a.get(0, 1));
  }

  @Test
  void shouldRouteGradientToTheWinningPieceWhenMaxoutBackward() {
    // Given
    Activation maxout = Activations.maxout(3);
    FMatrixRMaj z = new FMatrixRMaj(new float[][] {{-1f, 5f, 2f, 3f, -7f, 3.5f}});
    FMatrixRMaj a = new FMatrixRMaj(1, 2);
    maxout.forward(z, a);
    FMatrixRMaj dA = new FMatrixRMaj(new float[][] {{0.25f, -4f}});
    FMatrixRMaj dZ = new FMatrixRMaj(1, 6);
    java.util.Arrays.fill(dZ.data, 99f);

    // When
    maxout.backward(z, a, dA, dZ);

    // Then
    float[] expected = {0f, 0.25f, 0f, 0f, 0f, -4f};
    for (int i = 0; i < 6; i++) {
      assertEquals(expected[i], dZ.data[i], "dZ " + i);
    }
  }

  @Test
  void shouldKeepWidthWhenActivationIsElementWise() {
    // Given / When / Then
    assertEquals(7, Activations.relu().inputWidth(7));
    assertEquals(7, Activations.tanh().inputWidth(7));
    assertEquals(7, Activations.sigmoid().inputWidth(7));
    assertEquals(7, Activations.identity().inputWidth(7));
    assertEquals(7, Activations.leakyRelu(0.01).inputWidth(7));
  }

  @Test
  void shouldResolveEverySpecNameWhenByName() {
    // Given
    String[] names = Activations.NAMES.split("\\|");

    // When / Then
    for (String name : names) {
      assertEquals(name, Activations.byName(name, 0.01, 2).name());
    }
  }

  @Test
  void shouldRejectWhenActivationNameIsUnknown() {
    // Given / When
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activations.byName("swish", 0.01, 2));

    // Then
    assertTrue(e.getMessage().contains("swish"), e.getMessage());
  }

  @Test
  void shouldRejectWhenActivationParametersAreInvalid() {
    // Given / When / Then
    assertThrows(IllegalArgumentException.class, () -> Activations.maxout(1));
    assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(1.0));
  }

  // ---------------------------------------------------------------- Rng

  @Test
  void shouldProduceTheSameSequenceWhenSeedIsTheSame() {
    // Given
    Rng first = new Rng(123);
    Rng second = new Rng(123);
    Rng other = new Rng(124);

    // When / Then
    boolean differs = false;
    for (int i = 0; i < 1000; i++) {
      long a = first.nextLong();
      assertEquals(a, second.nextLong(), "draw " + i);
      differs |= a != other.nextLong();
    }
    assertTrue(differs);
  }

  @Test
  void shouldContinueIdenticallyWhenStateIsRestored() {
    // Given
    Rng original = new Rng(99);
    for (int i = 0; i < 17; i++) {
      original.nextDouble();
    }
    long state = original.state();

    // When
    Rng restored = new Rng(0);
    restored.setState(state);

    // Then
    for (int i = 0; i < 100; i++) {
      assertEquals(original.nextLong(), restored.nextLong(), "long " + i);
      assertEquals(original.nextDouble(), restored.nextDouble(), "double " + i);
      assertEquals(original.nextGaussian(), restored.nextGaussian(), "gaussian " + i);
      assertEquals(original.nextInt(10), restored.nextInt(10), "int " + i);
    }
  }

  @Test
  void shouldHaveZeroMeanUnitVarianceWhenDrawingGaussians() {
    // Given
    Rng rng = new Rng(2718);
    int n = 100_000;

    // When
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double g = rng.nextGaussian();
      sum += g;
      sumSq += g * g;
    }

    // Then
    double mean = sum / n;
    double var = sumSq / n - mean * mean;
    assertEquals(0.0, mean, 0.02);
    assertEquals(1.0, var, 0.03);
  }

  @Test
  void shouldStayInRangeWhenDrawingUniforms() {
    // Given
    Rng rng = new Rng(5);
    int[] counts = new int[7];

    // When
    double sum = 0;
    for (int i = 0; i < 70_000; i++) {
      double u = rng.nextDouble();
      assertTrue(u >= 0 && u < 1, "u = " + u);
      sum += u;
      counts[rng.nextInt(7)]++;
    }

    // Then
    assertEquals(0.5, sum / 70_000, 0.01);
    for (int c : counts) {
      assertEquals(10_000, c, 500);
    }
  }

  @Test
  void shouldGiveAnIndependentStreamWhenSplit() {
    // Given
    Rng parent = new Rng(8);
    Rng twin = new Rng(8);

    // When
    Rng child = parent.split();
    Rng childTwin = twin.split();

    // Then
    assertEquals(child.nextLong(), childTwin.nextLong());
    assertNotEquals(parent.nextLong(), child.nextLong());
  }

  // ---------------------------------------------------------------- helpers

  private static float[] apply(Activation activation, float[] values) {
    FMatrixRMaj z = new FMatrixRMaj(1, values.length);
    System.arraycopy(values, 0, z.data, 0, values.length);
    FMatrixRMaj a = new FMatrixRMaj(1, values.length);
    activation.forward(z, a);
    return a.data.clone();
  }

  private static FMatrixRMaj random(int rows, int cols, Random random) {
    FMatrixRMaj m = new FMatrixRMaj(rows, cols);
    fill(m, random);
    return m;
  }

  private static void fill(FMatrixRMaj m, Random random) {
    for (int i = 0; i < m.getNumElements(); i++) {
      m.data[i] = (float) (random.nextDouble() * 2 - 1);
    }
  }

  private static FMatrixRMaj ones(int rows, int cols) {
    FMatrixRMaj m = new FMatrixRMaj(rows, cols);
    java.util.Arrays.fill(m.data, 1f);
    return m;
  }

  /** Column j around 5 + j/2, with spread 1 + j. */
  private static FMatrixRMaj shiftedRandom(int rows, int cols, Random random) {
    FMatrixRMaj m = new FMatrixRMaj(rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m.set(i, j, (float) (5 + 0.5 * j + (1 + j) * random.nextGaussian()));
      }
    }
    return m;
  }

  private static double[] columnMeans(FMatrixRMaj m) {
    double[] mean = new double[m.numCols];
    for (int i = 0; i < m.numRows; i++) {
      for (int j = 0; j < m.numCols; j++) {
        mean[j] += m.get(i, j);
      }
    }
    for (int j = 0; j < m.numCols; j++) {
      mean[j] /= m.numRows;
    }
    return mean;
  }
}
