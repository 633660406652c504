package io.kafkamlp.nn;

import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * One stage of a network, operating on a mini-batch with one sample per row.
 *
 * <p>Call order: {@link #forward} then, in training, {@link #backward} with the gradient of the
 * loss with respect to the output just produced. A layer keeps what backward needs from the last
 * forward and owns its output and input-gradient matrices: they are valid until the next call and
 * are resized only when the batch size changes, so a steady stream of equal batches allocates
 * nothing.
 */
public interface Layer {

  /** Columns of the input. */
  int inputWidth();

  /** Columns of the output. */
  int outputWidth();

  /**
   * Computes the layer's output.
   *
   * @param input (batch x inputWidth) not modified; kept by reference for backward
   * @param training batch statistics and dropout in training; running statistics, no dropout
   *     otherwise
   * @return (batch x outputWidth), owned by the layer
   */
  FMatrixRMaj forward(FMatrixRMaj input, boolean training);

  /**
   * Writes the gradients of this layer's parameters and returns the gradient of the loss with
   * respect to the input of the last forward.
   *
   * @param outputGradient (batch x outputWidth) not modified
   * @param needInputGradient false for the first layer, which may then skip that work
   * @return (batch x inputWidth), owned by the layer, or null when not needed
   */
  FMatrixRMaj backward(FMatrixRMaj outputGradient, boolean needInputGradient);

  /**
   * Called once after a training step was applied: folds what the last training forward saw into
   * the layer's running state (batch-norm running averages). A step that is not applied (a gradient
   * check's evaluation, a rejected non-finite batch) leaves that state untouched.
   */
  default void commit() {}

  /**
   * Whether {@link #commit} would leave the running state finite; changes nothing. A step whose
   * commit would not is not applied.
   */
  default boolean commitIsFinite() {
    return true;
  }

  /** Trainable parameters, in a fixed order. */
  default List<Parameter> parameters() {
    return List.of();
  }

  /** State that is not trained by gradients but must be saved (batch-norm running statistics). */
  default List<FMatrixRMaj> buffers() {
    return List.of();
  }

  /**
   * Mixes into {@code hash} the discrete choices the last forward made (which ReLU inputs were
   * positive, which Maxout piece won). A gradient check compares it before and after a
   * perturbation: when it changes, the finite difference straddles a kink and is not exact.
   */
  default long kinks(long hash) {
    return hash;
  }
}
