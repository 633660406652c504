package io.kafkamlp.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * A trainable tensor and its gradient, of the same shape.
 *
 * <p>Layers own their parameters and write {@link #gradient()} in their backward pass; optimizers
 * read the gradient and update {@link #value()} in place. Weights are {@linkplain #regularized()
 * regularized} (L1, L2, max-norm); biases and batch-norm scale and shift are not.
 */
public final class Parameter {

  private final String name;
  private final FMatrixRMaj value;
  private final FMatrixRMaj gradient;
  private final boolean regularized;

  /**
   * Creates a zero parameter.
   *
   * @param name unique within a network, such as {@code dense0.W}
   * @param rows rows of the tensor
   * @param cols columns of the tensor
   * @param regularized whether weight penalties and constraints apply to it
   */
  public Parameter(String name, int rows, int cols, boolean regularized) {
    this.name = name;
    this.value = new FMatrixRMaj(rows, cols);
    this.gradient = new FMatrixRMaj(rows, cols);
    this.regularized = regularized;
  }

  public String name() {
    return name;
  }

  /** The current value; modified by optimizers and constraints. */
  public FMatrixRMaj value() {
    return value;
  }

  /** The gradient of the loss with respect to {@link #value()}, written by the backward pass. */
  public FMatrixRMaj gradient() {
    return gradient;
  }

  public boolean regularized() {
    return regularized;
  }

  /** Number of scalar elements. */
  public int size() {
    return value.getNumElements();
  }

  @Override
  public String toString() {
    return name + "[" + value.numRows + "x" + value.numCols + "]";
  }
}
