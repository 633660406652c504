package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.data.SyntheticStream;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.spec.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * A model whose training diverges goes back to its last good state with a smaller learning rate, so
 * that it stays usable: it predicts finite values and learns again.
 */
class DivergenceRecoveryTest {

  static final int FEATURES = 20;
  static final int CLASSES = 4;
  static final int BATCH = 8;
  static final ModelSpec SMALL =
      ModelSpec.defaults().with("layers", "20,16,8,4").withBatchSize(BATCH).with("seed", "3");

  /** A seeded stream of batches. */
  private static final class Batches {
    final SyntheticStream stream;
    final FMatrixRMaj x = new FMatrixRMaj(BATCH, FEATURES);
    final FMatrixRMaj y = new FMatrixRMaj(BATCH, 1);

    Batches(long seed) {
      stream = new SyntheticStream(FEATURES, CLASSES, seed);
    }

    Batches next() {
      for (int i = 0; i < BATCH; i++) {
        Sample s = stream.next();
        System.arraycopy(s.features(), 0, x.data, i * FEATURES, FEATURES);
        y.data[i] = s.targets()[0];
      }
      return this;
    }

    /** Trains {@code n} batches; returns the number applied. */
    int train(Model model, int n) {
      int applied = 0;
      for (int b = 0; b < n; b++) {
        next();
        if (!Double.isNaN(model.trainStep(x, y))) {
          applied++;
        }
      }
      return applied;
    }
  }

  /** A batch whose features overflow the forward pass: its loss is not finite. */
  private static FMatrixRMaj poison() {
    FMatrixRMaj x = new FMatrixRMaj(BATCH, FEATURES);
    Arrays.fill(x.data, 3e38f);
    return x;
  }

  private static FMatrixRMaj labels() {
    return new FMatrixRMaj(BATCH, 1);
  }

  /** Accuracy on 2,000 held-out samples; fails on any non-finite prediction. */
  private static double accuracy(Model model) {
    SyntheticStream held = new SyntheticStream(FEATURES, CLASSES, 1);
    held.next(); // the same class centers as the training stream: same seed, later samples
    FMatrixRMaj x = new FMatrixRMaj(1, FEATURES);
    FMatrixRMaj p = new FMatrixRMaj(1, CLASSES);
    int correct = 0;
    for (int i = 0; i < 2_000; i++) {
      Sample s = held.next();
      System.arraycopy(s.features(), 0, x.data, 0, FEATURES);
      model.predict(x, p);
      int best = 0;
      for (int c = 0; c < CLASSES; c++) {
        assertTrue(Float.isFinite(p.data[c]), "prediction " + p.data[c]);
        if (p.data[c] > p.data[best]) {
          best = c;
        }
      }
      correct += best == (int) s.targets()[0] ? 1 : 0;
    }
    return correct / 2_000.0;
  }

  @Test
  void shouldRollBackToTheLastGoodStateAfterSkippedBatchesInARow() {
    Model model = Models.create(SMALL);
    Batches batches = new Batches(1);
    batches.train(model, 100);
    byte[] atStep100 = ModelCodec.encode(model);
    batches.train(model, 50);
    assertEquals(150, model.step());
    assertEquals(100, model.lastGoodStep(), "saved at step 0, then every 100 updates");
    double learningRate = model.learningRate();

    // two poisoned batches: skipped, nothing changes
    byte[] atStep150 = ModelCodec.encode(model);
    model.trainStep(poison(), labels());
    model.trainStep(poison(), labels());
    assertEquals(2, model.skippedSteps());
    assertEquals(0, model.rollbacks());
    assertParametersEqual(ModelCodec.decode(atStep150), model);

    // the third in a row: back to the state of step 100, the learning rate halved
    model.trainStep(poison(), labels());
    assertEquals(1, model.rollbacks());
    assertEquals(150, model.step(), "the version does not go back");
    assertEquals(learningRate * Model.BACKOFF, model.learningRate());
    assertParametersEqual(ModelCodec.decode(atStep100), model);
    Model reference = ModelCodec.decode(atStep100);
    for (int i = 0; i < reference.optimizerStates().size(); i++) {
      for (int k = 0; k < reference.optimizerStates().get(i).buffers().size(); k++) {
        assertArrayEquals(
            reference.optimizerStates().get(i).buffers().get(k).data,
            model.optimizerStates().get(i).buffers().get(k).data,
            "optimizer state restored too");
      }
    }

    // and it trains on from there
    assertEquals(20, batches.train(model, 20));
  }

  @Test
  void shouldNotRollBackWhenSkippedBatchesAreNotInARow() {
    Model model = Models.create(SMALL);
    Batches batches = new Batches(1);
    batches.train(model, 120);
    for (int i = 0; i < 5; i++) {
      model.trainStep(poison(), labels());
      model.trainStep(poison(), labels());
      batches.train(model, 1);
    }
    assertEquals(10, model.skippedSteps());
    assertEquals(0, model.rollbacks());
    assertEquals(125, model.step());
  }

  @Test
  void shouldNeverRollBackWhenDisabled() {
    Model model = Models.create(SMALL.with("rollback-after", "0"));
    new Batches(1).train(model, 10);
    for (int i = 0; i < 10; i++) {
      model.trainStep(poison(), labels());
    }
    assertEquals(0, model.rollbacks());
    assertEquals(1.0, model.learningRateScale());
  }

  @Test
  void shouldRecoverAndLearnWhenTheLearningRateExplodes() {
    // SGD at 1e6 on ReLU: within a few updates the parameters are finite but so large that the
    // forward pass overflows; without rollback the model is stuck there and predicts NaN.
    ModelSpec exploding = SMALL.with("optimizer", "sgd").with("lr", "1e6");
    Model stuck = Models.create(exploding.with("rollback-after", "0"));
    new Batches(1).train(stuck, 300);
    assertTrue(stuck.skippedSteps() > 250, "skipped " + stuck.skippedSteps());
    assertTrue(nonFinitePredictions(stuck) > 1_000, "the stuck model predicts NaN");

    Model model = Models.create(exploding);
    int applied = new Batches(1).train(model, 1_000);
    // 1e6 down to 0.1: at 1 and above a step silences a ReLU layer, at 0.1 it learns
    assertEquals(7, model.rollbacks());
    double expected = 1e6 * Math.pow(Model.BACKOFF, model.rollbacks());
    assertEquals(expected, model.learningRate(), expected * 1e-12);
    assertEquals(1_000, applied + model.skippedSteps());

    // usable: finite predictions for every input, and as accurate as a sane learning rate gets
    Model sane = Models.create(SMALL.with("optimizer", "sgd").with("lr", "0.01"));
    new Batches(1).train(sane, 1_000);
    double reference = accuracy(sane);
    assertTrue(reference > 0.8, "sane SGD reaches " + reference);
    double recovered = accuracy(model);
    assertTrue(
        recovered > reference - 0.05, "recovered " + recovered + " against sane " + reference);
  }

  private static int nonFinitePredictions(Model model) {
    SyntheticStream held = new SyntheticStream(FEATURES, CLASSES, 1);
    FMatrixRMaj x = new FMatrixRMaj(1, FEATURES);
    FMatrixRMaj p = new FMatrixRMaj(1, CLASSES);
    int nonFinite = 0;
    for (int i = 0; i < 2_000; i++) {
      System.arraycopy(held.next().features(), 0, x.data, 0, FEATURES);
      model.predict(x, p);
      for (int c = 0; c < CLASSES; c++) {
        if (!Float.isFinite(p.data[c])) {
          nonFinite++;
          break;
        }
      }
    }
    return nonFinite;
  }

  @Test
  void shouldContinueBitForBitFromAnEncodingTakenWhileRecovering() {
    Model model = Models.create(SMALL.with("optimizer", "sgd").with("lr", "1e6"));
    Batches batches = new Batches(1);
    batches.train(model, 40);
    assertTrue(model.rollbacks() > 0 && model.lastGoodStep() >= 0);
    byte[] mid = ModelCodec.encode(model);
    Model restored = ModelCodec.decode(mid);
    assertArrayEquals(mid, ModelCodec.encode(restored));

    Batches a = new Batches(77);
    Batches b = new Batches(77);
    a.train(model, 200);
    b.train(restored, 200);
    assertArrayEquals(ModelCodec.encode(model), ModelCodec.encode(restored));
  }

  @Test
  void shouldNotSaveAStateWhoseLossExploded() {
    Model model = Models.create(SMALL);
    Batches batches = new Batches(1);
    batches.train(model, 100);
    assertEquals(0, model.lastGoodStep());
    // features scaled by 1e3: finite, but a loss far above three times the first one
    FMatrixRMaj loud = batches.next().x.copy();
    for (int i = 0; i < loud.data.length; i++) {
      loud.data[i] *= 1e3f;
    }
    double loss = model.trainStep(loud, batches.y);
    assertTrue(Double.isFinite(loss) && loss > 10, "loss " + loss);
    assertEquals(0, model.lastGoodStep(), "the exploded state is not saved");
    batches.train(model, 1);
    assertEquals(101, model.lastGoodStep(), "the next sane batch saves");
  }

  @Test
  void shouldReadVersionOneEncodingsWithoutTheRecoveryState() throws IOException {
    Model model = Models.create(SMALL);
    new Batches(1).train(model, 50);
    byte[] v2 = ModelCodec.encodeForInference(model);
    // version 1: the same bytes without the 36 of the recovery fields after the schedule state
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(v2));
    in.readInt();
    in.readShort();
    in.readByte();
    in.readByte();
    in.readUTF();
    in.readLong();
    in.readLong();
    in.readLong();
    in.skipBytes(Double.BYTES * in.readInt());
    int recovery = v2.length - in.available();
    byte[] v1 = new byte[v2.length - 36];
    System.arraycopy(v2, 0, v1, 0, recovery);
    System.arraycopy(v2, recovery + 36, v1, recovery, v2.length - recovery - 36);
    v1[5] = 1;

    Model decoded = ModelCodec.decode(v1);
    assertParametersEqual(model, decoded);
    assertEquals(50, decoded.step());
    assertEquals(0, decoded.rollbacks());
    assertEquals(1.0, decoded.learningRateScale());
    assertEquals(-1, decoded.lastGoodStep());
  }

  private static void assertParametersEqual(Model expected, Model actual) {
    for (int i = 0; i < expected.network().parameters().size(); i++) {
      assertArrayEquals(
          expected.network().parameters().get(i).value().data,
          actual.network().parameters().get(i).value().data,
          expected.network().parameters().get(i).name());
    }
  }
}
