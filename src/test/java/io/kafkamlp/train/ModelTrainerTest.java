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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
    // The same computation, spelled out: update the statistics with each sample of a batch,
    // normalize the batch with the statistics that include it, predict it with the current model,
    // then train on it.
    Model reference = Models.create(SPEC);
    RunningStandardizer normalizer = new RunningStandardizer(4, 0);
    FMatrixRMaj x = new FMatrixRMaj(4, 4);
    FMatrixRMaj t = new FMatrixRMaj(4, 1);
    float[] row = new float[4];
    int correct = 0;

    for (int i = 0; i < data.size(); i++) {
      trainer.accept(data.get(i), false);
      normalizer.update(data.get(i).features());
      t.data[i % 4] = data.get(i).targets()[0];
      if (i % 4 == 3) {
        for (int r = 0; r < 4; r++) {
          normalizer.transform(data.get(i - 3 + r).features(), row);
          System.arraycopy(row, 0, x.data, r * 4, 4);
        }
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
  void shouldKeepAVersionOneCheckpointsPartialBatchesAsNormalized() throws IOException {
    // Given: a version-1 checkpoint (partial batches stored normalized) made from this one's
    List<Sample> data = samples(20, 5);
    ModelTrainer original = new ModelTrainer("default", SPEC, TrainerSettings.defaults());
    for (int i = 0; i < 9; i++) {
      original.accept(data.get(i), i % 3 == 2); // 6 training (a batch and 2), 3 validation
    }
    Checkpoint v2 = Checkpoint.read(original.checkpoint());
    assertEquals(2, v2.training.rows);
    assertEquals(0, v2.training.normalizedRows);
    Checkpoint v1 = v2.normalizedAsVersionOne();

    // When
    ModelTrainer restored = ModelTrainer.restore(v1.write());

    // Then: the rows are kept as they were stored, counted as normalized, not normalized again
    Checkpoint again = Checkpoint.read(restored.checkpoint());
    assertEquals(2, again.training.normalizedRows);
    assertEquals(3, again.validation.normalizedRows);
    assertArrayEquals(v1.training.x, again.training.x);
    assertArrayEquals(v1.validation.x, again.validation.x);
    for (int i = 9; i < 20; i++) {
      restored.accept(data.get(i), i % 3 == 2);
    }
    assertEquals(12, restored.samplesTrained());
    assertEquals(0, Checkpoint.read(restored.checkpoint()).training.normalizedRows);
  }

  /**
   * A trainer checkpoint taken apart as far as its partial batches (the format in ModelTrainer).
   */
  private static final class Checkpoint {
    short version;
    String name;
    int windowBatches;
    byte[] network;
    RunningStandardizer normalizer;
    BatchRows training;
    BatchRows validation;
    byte[] rest;

    static Checkpoint read(byte[] bytes) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      Checkpoint c = new Checkpoint();
      assertEquals(0x4B54524E, in.readInt());
      c.version = in.readShort();
      c.name = in.readUTF();
      c.windowBatches = in.readInt();
      c.network = new byte[in.readInt()];
      in.readFully(c.network);
      c.normalizer = RunningStandardizer.readFrom(in);
      c.training = BatchRows.read(in, c.version);
      c.validation = BatchRows.read(in, c.version);
      c.rest = in.readAllBytes();
      return c;
    }

    /** The same state as version 1 wrote it: every partial batch row normalized, no count. */
    Checkpoint normalizedAsVersionOne() {
      Checkpoint c = new Checkpoint();
      c.version = 1;
      c.name = name;
      c.windowBatches = windowBatches;
      c.network = network;
      c.normalizer = normalizer;
      c.training = training.normalizedBy(normalizer);
      c.validation = validation.normalizedBy(normalizer);
      c.rest = rest;
      return c;
    }

    byte[] write() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(0x4B54524E);
      out.writeShort(version);
      out.writeUTF(name);
      out.writeInt(windowBatches);
      out.writeInt(network.length);
      out.write(network);
      normalizer.writeTo(out);
      training.write(out, version);
      validation.write(out, version);
      out.write(rest);
      return bytes.toByteArray();
    }
  }

  private static final class BatchRows {
    int rows;
    int normalizedRows;
    float[] x;
    float[] targets;

    static BatchRows read(DataInputStream in, short version) throws IOException {
      BatchRows b = new BatchRows();
      b.rows = in.readInt();
      b.normalizedRows = version == 1 ? b.rows : in.readInt();
      b.x = new float[b.rows * 4];
      for (int i = 0; i < b.x.length; i++) {
        b.x[i] = in.readFloat();
      }
      b.targets = new float[b.rows];
      for (int i = 0; i < b.targets.length; i++) {
        b.targets[i] = in.readFloat();
      }
      return b;
    }

    BatchRows normalizedBy(RunningStandardizer normalizer) {
      BatchRows b = new BatchRows();
      b.rows = rows;
      b.normalizedRows = rows;
      b.x = x.clone();
      normalizer.transformRows(b.x, 0, rows);
      b.targets = targets;
      return b;
    }

    void write(DataOutputStream out, short version) throws IOException {
      out.writeInt(rows);
      if (version != 1) {
        out.writeInt(normalizedRows);
      }
      for (float v : x) {
        out.writeFloat(v);
      }
      for (float v : targets) {
        out.writeFloat(v);
      }
    }
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
