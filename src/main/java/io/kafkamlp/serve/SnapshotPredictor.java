package io.kafkamlp.serve;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.ModelCodec;
import io.kafkamlp.normalize.RunningStandardizer;
import org.ejml.data.FMatrixRMaj;

/**
 * Predictions from one snapshot: the snapshot's normalizer applied to the features, then the
 * network in inference mode and the loss's output (probabilities, scores or values). Decoded once
 * per snapshot; not thread-safe (one per stream thread).
 */
public final class SnapshotPredictor {

  private final ModelSnapshot snapshot;
  private final Model model;
  private final RunningStandardizer normalizer;
  private final float[] row;
  private final FMatrixRMaj x;
  private final FMatrixRMaj output;

  public SnapshotPredictor(ModelSnapshot snapshot) {
    this.snapshot = snapshot;
    this.model = ModelCodec.decode(snapshot.network());
    this.normalizer = RunningStandardizer.fromBytes(snapshot.normalizer());
    this.row = new float[model.spec().inputs()];
    this.x = new FMatrixRMaj(1, model.spec().inputs());
    this.output = new FMatrixRMaj(1, model.spec().outputs());
  }

  public ModelSnapshot snapshot() {
    return snapshot;
  }

  /** The loss name of the model, which decides the shape of a prediction. */
  public String loss() {
    return model.spec().loss();
  }

  public int inputs() {
    return model.spec().inputs();
  }

  /**
   * Predicts one sample.
   *
   * @param features raw (not normalized) features, not modified
   * @return the output row; owned by this predictor, valid until the next call
   */
  public float[] predict(float[] features) {
    normalizer.transform(features, row);
    System.arraycopy(row, 0, x.data, 0, row.length);
    model.predict(x, output);
    return output.data;
  }
}
