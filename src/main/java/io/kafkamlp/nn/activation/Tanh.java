package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/** {@code tanh(z)}, zero-centred but saturating; {@code f' = 1 - a^2}; Xavier init. */
final class Tanh implements Activation {

  @Override
  public String name() {
    return "tanh";
  }

  @Override
  public double initStd(int fanIn, int fanOut) {
    return Math.sqrt(2.0 / (fanIn + fanOut));
  }

  @Override
  public void forward(FMatrixRMaj z, FMatrixRMaj a) {
    float[] zd = z.data;
    float[] ad = a.data;
    int n = z.getNumElements();
    for (int i = 0; i < n; i++) {
      ad[i] = (float) Math.tanh(zd[i]);
    }
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    float[] ad = a.data;
    float[] da = dA.data;
    float[] dz = dZ.data;
    int n = a.getNumElements();
    for (int i = 0; i < n; i++) {
      dz[i] = (1f - ad[i] * ad[i]) * da[i];
    }
  }
}
