package io.kafkamlp.nn.activation;

import io.kafkamlp.nn.kernel.MatrixKernels;
import org.ejml.data.FMatrixRMaj;

/** {@code max(0, z)}; He initialization. Its kink is at 0 (the gradient there is taken as 0). */
final class Relu implements Activation {

  @Override
  public String name() {
    return "relu";
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
      ad[i] = Math.max(zd[i], 0f);
    }
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    MatrixKernels.reluGradient(z.data, dA.data, dZ.data, z.getNumElements());
  }

  @Override
  public long kinks(FMatrixRMaj z, long hash) {
    return Activation.signs(z, hash);
  }
}
