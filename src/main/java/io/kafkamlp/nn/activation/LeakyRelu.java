package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/** {@code z > 0 ? z : slope * z}, which keeps a small gradient for negative inputs; He init. */
final class LeakyRelu implements Activation {

  private final float slope;

  LeakyRelu(double slope) {
    if (!(slope >= 0 && slope < 1)) {
      throw new IllegalArgumentException("leaky-relu slope must be in [0, 1), got " + slope);
    }
    this.slope = (float) slope;
  }

  @Override
  public String name() {
    return "leaky-relu";
  }

  @Override
  public double initStd(int fanIn, int fanOut) {
    return Math.sqrt(2.0 / fanIn);
  }

  @Override
  public void forward(FMatrixRMaj z, FMatrixRMaj a) {
    float[] zd = z.data;
    float[] ad = a.data;
    int n = z.getNumElements();
    for (int i = 0; i < n; i++) {
      float v = zd[i];
      ad[i] = v > 0f ? v : slope * v;
    }
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    float[] zd = z.data;
    float[] da = dA.data;
    float[] dz = dZ.data;
    int n = z.getNumElements();
    for (int i = 0; i < n; i++) {
      dz[i] = zd[i] > 0f ? da[i] : slope * da[i];
    }
  }

  @Override
  public long kinks(FMatrixRMaj z, long hash) {
    return Activation.signs(z, hash);
  }
}
