package io.kafkamlp.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * Inverted dropout: in training each unit is dropped with probability {@code p} and the survivors
 * are scaled by {@code 1 / (1 - p)}, so inference needs no rescaling and passes the input through
 * unchanged. Masks come from the model's seeded {@link Rng}, so training stays reproducible.
 */
public final class DropoutLayer implements Layer {

  private final int width;
  private final double dropProbability;
  private final float keepScale;
  private final Rng rng;
  private final FMatrixRMaj mask = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj output = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj inputGradient = new FMatrixRMaj(1, 1);

  /**
   * @param dropProbability probability of dropping a unit, in [0, 1)
   * @param rng shared with the model; advanced once per unit per training forward
   */
  public DropoutLayer(int width, double dropProbability, Rng rng) {
    if (!(dropProbability >= 0 && dropProbability < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropProbability);
    }
    this.width = width;
    this.dropProbability = dropProbability;
    this.keepScale = (float) (1.0 / (1.0 - dropProbability));
    this.rng = rng;
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public int outputWidth() {
    return width;
  }

  /** In inference returns {@code x} itself. */
  @Override
  public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
    if (!training) {
      return x;
    }
    int n = x.getNumElements();
    mask.reshape(x.numRows, width);
    output.reshape(x.numRows, width);
    float[] m = mask.data;
    for (int i = 0; i < n; i++) {
      m[i] = rng.nextDouble() >= dropProbability ? keepScale : 0f;
    }
    float[] in = x.data;
    float[] out = output.data;
    for (int i = 0; i < n; i++) {
      out[i] = in[i] * m[i];
    }
    return output;
  }

  @Override
  public FMatrixRMaj backward(FMatrixRMaj dOut, boolean needInputGradient) {
    int n = dOut.getNumElements();
    inputGradient.reshape(dOut.numRows, width);
    float[] m = mask.data;
    float[] g = dOut.data;
    float[] dIn = inputGradient.data;
    for (int i = 0; i < n; i++) {
      dIn[i] = g[i] * m[i];
    }
    return inputGradient;
  }
}
