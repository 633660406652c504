package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/**
 * An element-wise (or, for Maxout, group-wise) non-linearity {@code a = f(z)}.
 *
 * <p>Implementations are stateless and shareable; matrices are (batch x width), row-major.
 */
public interface Activation {

  /** The name used in model specs: {@code relu}, {@code tanh}, ... */
  String name();

  /** Columns of {@code z} needed for {@code units} output columns (Maxout needs k per unit). */
  default int inputWidth(int units) {
    return units;
  }

  /**
   * Standard deviation of the zero-mean Gaussian that initializes the weights feeding this
   * activation: He, {@code sqrt(2 / fanIn)}, for the ReLU family; Xavier/Glorot, {@code sqrt(2 /
   * (fanIn + fanOut))}, for saturating and linear units.
   */
  double initStd(int fanIn, int fanOut);

  /**
   * {@code a = f(z)}.
   *
   * @param z (n x inputWidth(units)) not modified
   * @param a (n x units) modified
   */
  void forward(FMatrixRMaj z, FMatrixRMaj a);

  /**
   * {@code dZ = f'(z) * dA} (chain rule), given the {@code z} and {@code a} of the forward.
   *
   * @param z not modified
   * @param a not modified
   * @param dA gradient with respect to {@code a}, not modified
   * @param dZ gradient with respect to {@code z}, modified
   */
  void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ);

  /**
   * Mixes the discrete choices of {@code f} at {@code z} into {@code hash} (which side of a kink
   * each input is on); smooth activations return {@code hash} unchanged.
   */
  default long kinks(FMatrixRMaj z, long hash) {
    return hash;
  }

  /** Hashes, for each element of {@code z}, whether it is positive. */
  static long signs(FMatrixRMaj z, long hash) {
    float[] data = z.data;
    int n = z.getNumElements();
    long h = hash;
    for (int i = 0; i < n; i++) {
      h = h * 31 + (data[i] > 0 ? 1 : 0);
    }
    return h;
  }
}
