package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.ModelCodec;
import io.kafkamlp.nn.Models;
import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.spec.ModelSpec;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

  static final ModelSpec SPEC = TestSamples.SPEC;

  static List<Sample> samples(int n, long seed) {
    return TestSamples.samples(n, seed);
  }

  @Test
  void shouldPredictEachBatchBeforeLearningItWhenTraining() {
    List<Sample> data = samples(40, 1);
    ModelTrainer trainer = new ModelTrainer("default", SPEC, TrainerSettings.defaults());
    // The same computation, spelled out: normalize with statistics updated by each sample,
    // predict the batch with the current model, then train on it.
    Model reference = Models.create(SPEC);
    RunningStandardizer normalizer = new RunningStandardizer(4, 0);
    FMatrixRMaj x = new FMatrixRMaj(4, 4);
    FMatrixRMaj t = new FMatrixRMaj(4, 1);
    float[] row = new float[4];
    int correct = 0;

    for (int i = 0; i < data.size(); i++) {
      trainer.accept(data.get(i), false);
      normalizer.update(data.get(i).features());
      normalizer.transform(data.get(i).features(), row);
      System.arraycopy(row, 0, x.data, (i % 4) * 4, 4);
      t.data[i % 4] = data.get(i).targets()[0];
      if (i % 4 == 3) {
        correct += reference.countCorrect(x, t);
        reference.trainStep(x, t);
      }
    }

    assertEquals(correct / 40.0, trainer.prequentialAccuracy(), 1e-12);
    assertArrayEquals(ModelCodec.encode(reference), ModelCodec.encode(trainer.model()));
    assertEquals(40, trainer.samplesTrained());
    assertEquals(40, trainer.normalizer().count());
  }

  @Test
  void shouldNeitherTrainNorNormalizeWhenSampleIsValidation() {
    ModelTrainer trainer = new ModelTrainer("default", SPEC, TrainerSettings.defaults());

    for (Sample s : samples(12, 2)) {
      assertFalse(trainer.accept(s, true));
    }

    assertEquals(0, trainer.model().step());
    assertEquals(0, trainer.normalizer().count());
    assertEquals(12, trainer.validationSamples());
    assertTrue(trainer.validationLoss() > 0, "validation loss " + trainer.validationLoss());
    assertEquals(Double.NaN, trainer.prequentialAccuracy());
  }

  @Test
  void shouldContinueIdenticallyWhenRestoredFromCheckpointMidBatch() {
    List<Sample> data = samples(30, 3);
    ModelTrainer original = new ModelTrainer("default", SPEC, TrainerSettings.defaults());
    for (int i = 0; i < 15; i++) {
      original.accept(data.get(i), i % 5 == 0);
    }

    ModelTrainer restored = ModelTrainer.restore(original.checkpoint());
    for (int i = 15; i < 30; i++) {
      original.accept(data.get(i), i % 5 == 0);
      restored.accept(data.get(i), i % 5 == 0);
    }

    assertArrayEquals(original.checkpoint(), restored.checkpoint());
    assertEquals(original.prequentialAccuracy(), restored.prequentialAccuracy());
  }

  @Test
  void shouldSnapshotWhatServingNeeds() {
    ModelTrainer trainer = new ModelTrainer("m1", SPEC, TrainerSettings.defaults());
    samples(8, 4).forEach(s -> trainer.accept(s, false));

    var snapshot = trainer.snapshot(1234L);

    assertEquals("m1", snapshot.model());
    assertEquals(2, snapshot.version());
    assertEquals(8, snapshot.samplesTrained());
    assertEquals(1234L, snapshot.createdAtMillis());
    assertEquals(8, RunningStandardizer.fromBytes(snapshot.normalizer()).count());
  }
}
