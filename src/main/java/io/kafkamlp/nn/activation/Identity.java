package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/** {@code f(z) = z}: a linear unit; Xavier init. */
final class Identity implements Activation {

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public double initStd(int fanIn, int fanOut) {
    return Math.sqrt(2.0 / (fanIn + fanOut));
  }

  @Override
  public void forward(FMatrixRMaj z, FMatrixRMaj a) {
    System.arraycopy(z.data, 0, a.data, 0, z.getNumElements());
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    System.arraycopy(dA.data, 0, dZ.data, 0, dA.getNumElements());
  }
}
