package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/** {@code 1 / (1 + e^-z)}; saturating and not zero-centred; {@code f' = a (1 - a)}; Xavier init. */
final class Sigmoid implements Activation {

  @Override
  public String name() {
    return "sigmoid";
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
      ad[i] = (float) (1.0 / (1.0 + Math.exp(-zd[i])));
    }
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    float[] ad = a.data;
    float[] da = dA.data;
    float[] dz = dZ.data;
    int n = a.getNumElements();
    for (int i = 0; i < n; i++) {
      dz[i] = ad[i] * (1f - ad[i]) * da[i];
    }
  }
}
