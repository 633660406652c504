package io.kafkamlp.train;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.ModelCodec;
import io.kafkamlp.nn.Models;
import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleValidator;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.ejml.data.FMatrixRMaj;

/**
 * Trains one model from a stream of valid labeled samples, with no Kafka involved: the running
 * normalizer, the mini-batches, test-then-train metrics and validation scoring.
 *
 * <p>A training sample updates the normalizer and joins the training batch; when the batch holds
 * {@code batchSize} samples it is normalized with the statistics that include all of them, then the
 * model predicts it (prequential accuracy: every sample is predicted before it is learned) and
 * trains on it. A validation sample joins the validation batch without updating the statistics;
 * when full, that batch is normalized with the statistics as they are, scored, and never trained
 * on. Normalizing a whole batch at once costs one square root per feature per batch rather than per
 * sample ({@link RunningStandardizer#transformRows}). Batches are formed by count, so the same
 * samples in the same order always give the same bits.
 *
 * <p>{@link #checkpoint()} captures everything, partial batches included, at any moment; {@link
 * #restore} continues from it exactly.
 */
public final class ModelTrainer {

  private static final int MAGIC = 0x4B54524E; // "KTRN"

  /**
   * Version 2: a partial batch holds its samples as they came (normalized when the batch is full)
   * and says how many leading rows are normalized already; version 1 held every row normalized, and
   * is still read.
   */
  private static final short VERSION = 2;

  private static final short NORMALIZED_ROWS_VERSION = 1;

  private final String name;
  private final ModelSpec spec;
  private final Model model;
  private final RunningStandardizer normalizer;
  private final int windowBatches;
  private final Batch training;
  private final Batch validation;
  private final float[] targetRow;
  private final Model.Evaluation evaluation = new Model.Evaluation();
  private TrainerObserver observer = TrainerObserver.NONE;
  private SlidingWindow prequentialAccuracy;
  private SlidingWindow prequentialLoss;
  private SlidingWindow validationAccuracy;
  private SlidingWindow validationLoss;
  private long samplesTrained;
  private long validationSamples;
  private long validationBatchesSinceObservation;
  private long skippedBatches;
  private long prequentialCorrect;
  private long prequentialSeen;

  /** A fresh trainer for model {@code name}. */
  public ModelTrainer(String name, ModelSpec spec, TrainerSettings settings) {
    this(
        name,
        Models.create(spec),
        new RunningStandardizer(spec.inputs(), settings.normalizerForgetting()),
        settings.windowBatches());
  }

  private ModelTrainer(
      String name, Model model, RunningStandardizer normalizer, int windowBatches) {
    this.name = name;
    this.spec = model.spec();
    this.model = model;
    this.normalizer = normalizer;
    this.windowBatches = windowBatches;
    int width = SampleValidator.targetWidth(spec);
    this.training = new Batch(spec.batchSize(), spec.inputs(), width);
    this.validation = new Batch(spec.batchSize(), spec.inputs(), width);
    this.targetRow = new float[width];
    this.prequentialAccuracy = new SlidingWindow(windowBatches);
    this.prequentialLoss = new SlidingWindow(windowBatches);
    this.validationAccuracy = new SlidingWindow(windowBatches);
    this.validationLoss = new SlidingWindow(windowBatches);
  }

  /**
   * Takes one valid labeled sample (see {@code SampleValidator}).
   *
   * @param validation whether the sample is validation data
   * @return true when this sample completed a training batch (applied, or skipped as non-finite)
   */
  public boolean accept(Sample sample, boolean validation) {
    SampleValidator.targetRow(sample, spec, targetRow);
    if (validation) {
      this.validation.add(sample.features(), targetRow);
      validationSamples++;
      if (this.validation.full()) {
        this.validation.normalize(normalizer);
        scoreValidation();
      }
      return false;
    }
    normalizer.update(sample.features());
    training.add(sample.features(), targetRow);
    if (!training.full()) {
      return false;
    }
    training.normalize(normalizer);
    trainBatch();
    return true;
  }

  /** Sets who hears about each batch; not part of the checkpoint. */
  public void observe(TrainerObserver observer) {
    this.observer = observer;
  }

  private void trainBatch() {
    boolean inspect = observer.inspectNextStep(this);
    long start = System.nanoTime();
    double loss = model.trainStep(training.x, training.targets, inspect);
    long stepNanos = System.nanoTime() - start;
    int n = training.x.numRows;
    boolean skipped = Double.isNaN(loss);
    if (skipped) {
      skippedBatches++;
    } else {
      prequentialLoss.add(loss * n, n);
      if (model.lossFunction().isClassifier()) {
        int correct = model.countCorrectOfLastForward();
        prequentialAccuracy.add(correct, n);
        prequentialCorrect += correct;
        prequentialSeen += n;
      }
      samplesTrained += n;
    }
    training.clear();
    observer.onBatch(this, stepNanos, skipped, inspect && !skipped ? model.lastInspection() : null);
  }

  private void scoreValidation() {
    int n = validation.x.numRows;
    model.evaluate(validation.x, validation.targets, evaluation);
    validationLoss.add(evaluation.loss() * n, n);
    if (model.lossFunction().isClassifier()) {
      validationAccuracy.add(evaluation.correct(), n);
    }
    validation.clear();
    if (++validationBatchesSinceObservation >= windowBatches) {
      model.schedule().observe(validationLoss.mean());
      validationBatchesSinceObservation = 0;
    }
  }

  /** What serving needs, now. */
  public ModelSnapshot snapshot(long nowMillis) {
    return new ModelSnapshot(
        name,
        model.step(),
        samplesTrained,
        nowMillis,
        new ModelSnapshot.Metrics(
            prequentialAccuracy(),
            cumulativePrequentialAccuracy(),
            prequentialLoss(),
            validationAccuracy(),
            validationLoss()),
        normalizer.toBytes(),
        ModelCodec.encodeForInference(model));
  }

  /** The whole state, partial batches included. */
  public byte[] checkpoint() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      checkpointTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Writes exactly the bytes of {@link #checkpoint()}, streaming the network's tensors instead of
   * building them in arrays first (a checkpoint of the default model is megabytes, written every
   * few thousand samples).
   *
   * @param sink receives the bytes; not closed
   * @throws IOException when {@code sink} does
   */
  public void checkpointTo(OutputStream sink) throws IOException {
    DataOutputStream out = new DataOutputStream(sink);
    out.writeInt(MAGIC);
    out.writeShort(VERSION);
    out.writeUTF(name);
    out.writeInt(windowBatches);
    ModelCodec.encodeWithLength(model, out);
    normalizer.writeTo(out);
    training.writeTo(out);
    validation.writeTo(out);
    prequentialAccuracy.writeTo(out);
    prequentialLoss.writeTo(out);
    validationAccuracy.writeTo(out);
    validationLoss.writeTo(out);
    out.writeLong(samplesTrained);
    out.writeLong(validationSamples);
    out.writeLong(validationBatchesSinceObservation);
    out.writeLong(skippedBatches);
    out.writeLong(prequentialCorrect);
    out.writeLong(prequentialSeen);
    out.flush();
  }

  /**
   * @throws IllegalArgumentException for bytes that are not a trainer checkpoint
   */
  public static ModelTrainer restore(byte[] checkpoint) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint))) {
      short version = in.readInt() == MAGIC ? in.readShort() : -1;
      if (version != VERSION && version != NORMALIZED_ROWS_VERSION) {
        throw new IllegalArgumentException(
            "not a trainer checkpoint of version " + NORMALIZED_ROWS_VERSION + " or " + VERSION);
      }
      String name = in.readUTF();
      int windowBatches = in.readInt();
      byte[] network = new byte[in.readInt()];
      in.readFully(network);
      ModelTrainer trainer =
          new ModelTrainer(
              name, ModelCodec.decode(network), RunningStandardizer.readFrom(in), windowBatches);
      trainer.training.readFrom(in, version);
      trainer.validation.readFrom(in, version);
      trainer.prequentialAccuracy = SlidingWindow.readFrom(in);
      trainer.prequentialLoss = SlidingWindow.readFrom(in);
      trainer.validationAccuracy = SlidingWindow.readFrom(in);
      trainer.validationLoss = SlidingWindow.readFrom(in);
      trainer.samplesTrained = in.readLong();
      trainer.validationSamples = in.readLong();
      trainer.validationBatchesSinceObservation = in.readLong();
      trainer.skippedBatches = in.readLong();
      trainer.prequentialCorrect = in.readLong();
      trainer.prequentialSeen = in.readLong();
      return trainer;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt trainer checkpoint", e);
    }
  }

  public String name() {
    return name;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The model being trained; read it, do not train it from outside. */
  public Model model() {
    return model;
  }

  public RunningStandardizer normalizer() {
    return normalizer;
  }

  public long samplesTrained() {
    return samplesTrained;
  }

  public long validationSamples() {
    return validationSamples;
  }

  public long skippedBatches() {
    return skippedBatches;
  }

  /** Accuracy of predictions made before learning, over the window; NaN before any batch. */
  public double prequentialAccuracy() {
    return prequentialAccuracy.mean();
  }

  /** Accuracy of predictions made before learning, over every batch so far; NaN before any. */
  public double cumulativePrequentialAccuracy() {
    return prequentialSeen == 0 ? Double.NaN : (double) prequentialCorrect / prequentialSeen;
  }

  /** Mean training loss over the window. */
  public double prequentialLoss() {
    return prequentialLoss.mean();
  }

  public double validationAccuracy() {
    return validationAccuracy.mean();
  }

  public double validationLoss() {
    return validationLoss.mean();
  }

  /**
   * A mini-batch being filled: rows of features as they came, normalized all at once when it is
   * full, and target rows.
   */
  private static final class Batch {

    final FMatrixRMaj x;
    final FMatrixRMaj targets;
    private final int capacity;
    private int rows;

    /** Leading rows already normalized: a version-1 checkpoint's partial batch; else 0. */
    private int normalizedRows;

    Batch(int capacity, int features, int targetWidth) {
      this.capacity = capacity;
      this.x = new FMatrixRMaj(capacity, features);
      this.targets = new FMatrixRMaj(capacity, targetWidth);
    }

    void add(float[] features, float[] target) {
      System.arraycopy(features, 0, x.data, rows * x.numCols, x.numCols);
      System.arraycopy(target, 0, targets.data, rows * targets.numCols, targets.numCols);
      rows++;
    }

    boolean full() {
      return rows == capacity;
    }

    /** Normalizes the rows not yet normalized with the statistics as they are. */
    void normalize(RunningStandardizer normalizer) {
      normalizer.transformRows(x.data, normalizedRows * x.numCols, rows - normalizedRows);
      normalizedRows = rows;
    }

    void clear() {
      rows = 0;
      normalizedRows = 0;
    }

    void writeTo(DataOutputStream out) throws IOException {
      out.writeInt(rows);
      out.writeInt(normalizedRows);
      for (int i = 0; i < rows * x.numCols; i++) {
        out.writeFloat(x.data[i]);
      }
      for (int i = 0; i < rows * targets.numCols; i++) {
        out.writeFloat(targets.data[i]);
      }
    }

    /**
     * @param version the checkpoint's: version 1 wrote every row normalized and no count of them
     */
    void readFrom(DataInputStream in, short version) throws IOException {
      rows = in.readInt();
      if (rows < 0 || rows > capacity) {
        throw new IOException("batch of " + rows + " rows in a checkpoint for " + capacity);
      }
      normalizedRows = version == NORMALIZED_ROWS_VERSION ? rows : in.readInt();
      if (normalizedRows < 0 || normalizedRows > rows) {
        throw new IOException(normalizedRows + " of " + rows + " rows normalized in a checkpoint");
      }
      for (int i = 0; i < rows * x.numCols; i++) {
        x.data[i] = in.readFloat();
      }
      for (int i = 0; i < rows * targets.numCols; i++) {
        targets.data[i] = in.readFloat();
      }
    }
  }
}
