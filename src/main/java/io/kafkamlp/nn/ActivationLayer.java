package io.kafkamlp.nn;

import io.kafkamlp.nn.activation.Activation;
import org.ejml.data.FMatrixRMaj;

/** Applies an {@link Activation} to the output of the layer before it. */
public final class ActivationLayer implements Layer {

  private final Activation activation;
  private final int units;
  private final FMatrixRMaj output = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj inputGradient = new FMatrixRMaj(1, 1);
  private FMatrixRMaj input;

  /**
   * @param units output columns; the input has {@code activation.inputWidth(units)} columns
   */
  public ActivationLayer(Activation activation, int units) {
    this.activation = activation;
    this.units = units;
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public int inputWidth() {
    return activation.inputWidth(units);
  }

  @Override
  public int outputWidth() {
    return units;
  }

  @Override
  public FMatrixRMaj forward(FMatrixRMaj z, boolean training) {
    input = z;
    output.reshape(z.numRows, units);
    activation.forward(z, output);
    return output;
  }

  @Override
  public FMatrixRMaj backward(FMatrixRMaj dA, boolean needInputGradient) {
    inputGradient.reshape(dA.numRows, inputWidth());
    activation.backward(input, output, dA, inputGradient);
    return inputGradient;
  }

  /** The input ({@code z}) of the last forward. */
  FMatrixRMaj lastInput() {
    return input;
  }

  /** The output of the last forward. */
  FMatrixRMaj lastOutput() {
    return output;
  }

  @Override
  public long kinks(long hash) {
    return activation.kinks(input, hash);
  }
}
