package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.spec.ModelSpec;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class InspectionTest {

  private static FMatrixRMaj[] batch(int n, int features, long seed) {
    Rng rng = new Rng(seed);
    FMatrixRMaj x = new FMatrixRMaj(n, features);
    FMatrixRMaj t = new FMatrixRMaj(n, 1);
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      t.data[i] = rng.nextInt(3);
    }
    return new FMatrixRMaj[] {x, t};
  }

  @Test
  void shouldMeasureUpdateRatioAsWeightChangeOverWeightNorm() {
    Model model =
        Models.create(ModelSpec.defaults().with("layers", "5,7,3").with("optimizer", "sgd"));
    FMatrixRMaj[] b = batch(8, 5, 1);
    Parameter w0 = model.network().parameters().get(0);
    FMatrixRMaj before = w0.value().copy();

    double loss = model.trainStep(b[0], b[1], true);

    Inspection inspection = model.lastInspection();
    double change = 0;
    double norm = 0;
    for (int i = 0; i < before.data.length; i++) {
      double d = w0.value().data[i] - before.data[i];
      change += d * d;
      norm += (double) w0.value().data[i] * w0.value().data[i];
    }
    assertEquals(loss, inspection.loss());
    assertEquals(1e-3, inspection.learningRate(), 1e-9);
    assertEquals(2, inspection.layers().size());
    Inspection.LayerStats first = inspection.layers().get(0);
    assertEquals("dense0", first.name());
    assertEquals(Math.sqrt(change / norm), first.updateRatio(), 1e-9);
    assertTrue(first.gradientNorm() > 0);
    assertEquals(8 * 7, first.activations().length);
    assertEquals(5 * 7, first.gradients().length);
    assertTrue(Double.isNaN(inspection.layers().get(1).deadRatio()), "output layer has no ReLU");
  }

  @Test
  void shouldCountEveryUnitDeadWhenBiasIsHugelyNegative() {
    Model model = Models.create(ModelSpec.defaults().with("layers", "5,7,3"));
    java.util.Arrays.fill(model.network().parameters().get(1).value().data, -1000f);

    model.trainStep(batch(8, 5, 2)[0], batch(8, 5, 2)[1], true);

    assertEquals(1.0, model.lastInspection().layers().get(0).deadRatio());
  }

  @Test
  void shouldSeeSaturationWhenTanhWeightsAreLarge() {
    Model model =
        Models.create(ModelSpec.defaults().with("layers", "5,7,3").with("activation", "tanh"));
    float[] w = model.network().parameters().get(0).value().data;
    for (int i = 0; i < w.length; i++) {
      w[i] *= 100;
    }

    model.trainStep(batch(8, 5, 3)[0], batch(8, 5, 3)[1], true);

    Inspection.LayerStats first = model.lastInspection().layers().get(0);
    assertTrue(first.saturationRatio() > 0.8, "saturation " + first.saturationRatio());
    assertTrue(Double.isNaN(first.deadRatio()));
  }

  @Test
  void shouldLearnSameBitsWhetherInspectedOrNot() {
    ModelSpec spec =
        ModelSpec.defaults().with("layers", "5,7,3").with("batch-norm", "true").withDropout(0.2);
    Model plain = Models.create(spec);
    Model inspected = Models.create(spec);

    for (int s = 0; s < 20; s++) {
      FMatrixRMaj[] b = batch(8, 5, 10 + s);
      plain.trainStep(b[0], b[1]);
      inspected.trainStep(b[0], b[1], true);
    }

    org.junit.jupiter.api.Assertions.assertArrayEquals(
        ModelCodec.encode(plain), ModelCodec.encode(inspected));
  }

  @Test
  void shouldNotInspectWhenNotAsked() {
    Model model = Models.create(ModelSpec.defaults().with("layers", "5,7,3"));

    model.trainStep(batch(8, 5, 4)[0], batch(8, 5, 4)[1]);

    assertNull(model.lastInspection());
  }
}
