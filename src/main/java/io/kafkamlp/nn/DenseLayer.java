package io.kafkamlp.nn;

import io.kafkamlp.nn.kernel.MatrixKernels;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.misc.TransposeAlgs_FDRM;

/**
 * A fully connected layer, {@code s = W x + b} for each sample {@code x}.
 *
 * <p>With one sample per row of {@code X} the batch form is {@code S = X W + 1 b}, so {@code W} is
 * stored (inputs x outputs): column {@code j} holds the incoming weights of unit {@code j}. That
 * layout makes the forward product and {@code dW} stream along rows, which the SIMD kernels need.
 * Without a bias (when batch normalization follows, whose shift makes it redundant) {@code b} is
 * absent.
 */
public final class DenseLayer implements Layer {

  /**
   * Rows and columns of {@code W} transposed at a time, for {@code dX = dS W^T}: EJML's own choice
   * for a matrix under 375 columns, element by element with a stride of a row on every write, took
   * 29-31 us for the 256x128 weights on this project's Intel Xeon (2026-12-01) and 4.8% of the
   * pipeline's training thread (JFR, a warm run); in 64x64 blocks, 11-12 us, about 2% of the step,
   * which three alternating pairs of JMH train-step forks could not resolve from their noise. The
   * same values either way.
   */
  private static final int TRANSPOSE_BLOCK = 64;

  private final Parameter weights;
  private final Parameter bias;
  private final List<Parameter> parameters;
  private final FMatrixRMaj weightsT;
  private final FMatrixRMaj output = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj inputGradient = new FMatrixRMaj(1, 1);
  private FMatrixRMaj input;

  /**
   * Creates a layer with Gaussian weights of standard deviation {@code initStd} and zero bias.
   *
   * @param name prefix of the parameter names, such as {@code dense0}
   * @param rng the generator of the weights; null leaves them 0, for a model whose weights are
   *     about to be overwritten (decoding)
   */
  public DenseLayer(
      String name, int inputs, int outputs, boolean withBias, double initStd, Rng rng) {
    weights = new Parameter(name + ".W", inputs, outputs, true);
    if (rng != null) {
      float[] w = weights.value().data;
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rng.nextGaussian() * initStd);
      }
    }
    bias = withBias ? new Parameter(name + ".b", 1, outputs, false) : null;
    parameters = withBias ? List.of(weights, bias) : List.of(weights);
    weightsT = new FMatrixRMaj(outputs, inputs);
  }

  @Override
  public int inputWidth() {
    return weights.value().numRows;
  }

  @Override
  public int outputWidth() {
    return weights.value().numCols;
  }

  public Parameter weights() {
    return weights;
  }

  /** The output ({@code S}) of the last forward. */
  FMatrixRMaj lastOutput() {
    return output;
  }

  /** The layer's name, the prefix of its parameters' names: {@code dense0}, ... */
  public String name() {
    String w = weights.name();
    return w.substring(0, w.length() - ".W".length());
  }

  @Override
  public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
    input = x;
    output.reshape(x.numRows, outputWidth());
    // S = X W + 1 b
    MatrixKernels.mult(x, weights.value(), bias == null ? null : bias.value(), output);
    return output;
  }

  @Override
  public FMatrixRMaj backward(FMatrixRMaj dS, boolean needInputGradient) {
    // dW = X^T dS
    MatrixKernels.multTransA(input, dS, weights.gradient());
    if (bias != null) {
      // db = 1^T dS (column sums)
      CommonOps_FDRM.sumCols(dS, bias.gradient());
    }
    if (!needInputGradient) {
      return null;
    }
    // dX = dS W^T
    TransposeAlgs_FDRM.block(weights.value(), weightsT, TRANSPOSE_BLOCK);
    inputGradient.reshape(dS.numRows, inputWidth());
    MatrixKernels.mult(dS, weightsT, null, inputGradient);
    return inputGradient;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }
}
