package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.data.SyntheticStream;
import io.kafkamlp.nn.optim.OptimizerState;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.spec.ModelSpec;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Steps whose loss and gradients are finite but whose update is not: they are skipped and counted
 * like non-finite batches, and leave parameters, optimizer state and running statistics as they
 * were.
 */
class NonFiniteUpdateTest {

  /**
   * Without rollbacks: these tests are about the skip itself (DivergenceRecoveryTest: the rest).
   */
  static final ModelSpec SMALL =
      ModelSpec.defaults().with("layers", "20,16,8,4").withBatchSize(8).with("rollback-after", "0");

  /** Trains 100 batches of a seeded stream; returns the number of finite losses. */
  private static int train(Model model) {
    SyntheticStream stream = new SyntheticStream(20, 4, 1);
    FMatrixRMaj x = new FMatrixRMaj(8, 20);
    FMatrixRMaj y = new FMatrixRMaj(8, 1);
    int finite = 0;
    for (int b = 0; b < 100; b++) {
      for (int i = 0; i < 8; i++) {
        Sample s = stream.next();
        System.arraycopy(s.features(), 0, x.data, i * 20, 20);
        y.data[i] = s.targets()[0];
      }
      if (!Double.isNaN(model.trainStep(x, y))) {
        finite++;
      }
    }
    return finite;
  }

  private static void assertAllFinite(Model model) {
    for (Parameter p : model.network().parameters()) {
      assertFinite(p.value());
    }
    for (OptimizerState state : model.optimizerStates()) {
      for (FMatrixRMaj b : state.buffers()) {
        assertFinite(b);
      }
    }
    for (FMatrixRMaj b : model.network().buffers()) {
      assertFinite(b);
    }
  }

  private static void assertFinite(FMatrixRMaj m) {
    for (int i = 0; i < m.getNumElements(); i++) {
      assertTrue(Float.isFinite(m.data[i]), "element " + i + " = " + m.data[i]);
    }
  }

  @Test
  void shouldSkipStepWhenAdamSecondMomentWouldOverflow() {
    // lr 1e12: weights reach 1e12 and gradients beyond 1e19, so dx^2 overflows float
    Model model = Models.create(SMALL.with("lr", "1e12"));
    int applied = train(model);
    assertTrue(model.skippedSteps() > 0);
    assertEquals(100, applied + model.skippedSteps());
    assertEquals(applied, model.step());
    assertAllFinite(model);
  }

  @Test
  void shouldSkipStepWhenBatchNormRunningVarianceWouldOverflow() {
    Model model =
        Models.create(SMALL.with("optimizer", "sgd").with("lr", "1e3").with("batch-norm", "true"));
    train(model);
    assertAllFinite(model);
  }

  @Test
  void shouldSkipEveryStepWhenTheLearningRateIsInfiniteInFloat() {
    Model model = Models.create(SMALL.with("optimizer", "sgd").with("lr", "1e39"));
    float[][] before =
        model.network().parameters().stream()
            .map(p -> p.value().data.clone())
            .toArray(float[][]::new);
    assertEquals(0, train(model));
    assertEquals(100, model.skippedSteps());
    assertEquals(0, model.step());
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], model.network().parameters().get(i).value().data);
    }
  }
}
