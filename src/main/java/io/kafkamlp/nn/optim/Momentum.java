package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Classical (heavy-ball) momentum: a velocity integrates the negative gradient with exponential
 * decay {@code mu}, and the parameter moves by the velocity.
 *
 * <pre>
 *   v = mu * v - lr * dx
 *   x = x + v
 * </pre>
 *
 * <p>With {@code mu = 0} this is {@link Sgd}. Under a constant gradient the steps grow to 1/(1-mu)
 * times the plain step: ten times at {@code mu = 0.9}. State: one buffer, the velocity {@code v},
 * zero-initialised.
 */
public final class Momentum implements Optimizer {

  private final float mu;

  /**
   * Creates the configuration.
   *
   * @param mu momentum coefficient, {@code 0 <= mu < 1}
   * @throws IllegalArgumentException if {@code mu} is out of range
   */
  public Momentum(double mu) {
    this.mu = Optimizers.fraction("momentum mu", mu);
  }

  /** The momentum coefficient. */
  public float mu() {
    return mu;
  }

  @Override
  public OptimizerState newState(Parameter parameter) {
    return new State(mu, parameter);
  }

  @Override
  public String name() {
    return "momentum";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Momentum && ((Momentum) o).mu == mu;
  }

  @Override
  public int hashCode() {
    return Momentum.class.hashCode() * 31 + Float.hashCode(mu);
  }

  @Override
  public String toString() {
    return "momentum(mu=" + mu + ")";
  }

  private static final class State implements OptimizerState {

    private final float mu;
    private final FMatrixRMaj velocity;
    private final List<FMatrixRMaj> buffers;

    State(float mu, Parameter parameter) {
      this.mu = mu;
      this.velocity = Optimizers.zerosLike(parameter);
      this.buffers = List.of(velocity);
    }

    @Override
    public void update(Parameter parameter, float learningRate, long step) {
      Optimizers.checkSize(parameter, velocity);
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] v = velocity.data;
      int n = parameter.size();
      float m = mu;
      float lr = learningRate;
      for (int i = 0; i < n; i++) {
        float vi = m * v[i] - lr * dx[i];
        v[i] = vi;
        x[i] += vi;
      }
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return buffers;
    }
  }
}
