package io.kafkamlp.nn;

import java.util.List;

/**
 * What one training step looked like inside the network, layer by layer: the numbers the CS231n
 * notes say to watch while a network learns (the update-to-weight ratio, about 1e-3 when the
 * learning rate is right; dead ReLUs; saturated tanh or sigmoid units; activation and gradient
 * distributions). Taken on demand by {@link Model#trainStep(org.ejml.data.FMatrixRMaj,
 * org.ejml.data.FMatrixRMaj, boolean)}, since it copies the weights.
 *
 * @param loss the batch's data loss plus penalties, before the update
 * @param penalty the penalties alone
 * @param learningRate the rate the step used
 * @param layers one entry per dense layer, input to output
 */
public record Inspection(
    double loss, double penalty, double learningRate, List<LayerStats> layers) {

  /** Values kept of each distribution: an even sample of the layer's activations or gradients. */
  public static final int SAMPLE = 256;

  /**
   * One dense layer and the activation that follows it.
   *
   * @param name the layer's name, such as {@code dense0}
   * @param updateRatio {@code ||W_after - W_before|| / ||W_after||} of this step
   * @param gradientNorm {@code ||dW||}
   * @param deadRatio share of units whose ReLU-family output was 0 for every sample of the batch;
   *     NaN for other activations and for the output layer
   * @param saturationRatio share of tanh or sigmoid outputs within 0.01 of their bounds; NaN for
   *     other activations and for the output layer
   * @param activations a sample of the layer's outputs (after its activation) over the batch
   * @param gradients a sample of the elements of {@code dW}
   */
  public record LayerStats(
      String name,
      double updateRatio,
      double gradientNorm,
      double deadRatio,
      double saturationRatio,
      float[] activations,
      float[] gradients) {}
}
