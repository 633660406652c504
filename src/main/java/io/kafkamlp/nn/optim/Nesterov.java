package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Nesterov accelerated gradient (Nesterov momentum), in the reformulated form of the CS231n notes.
 *
 * <p>The textbook rule evaluates the gradient at the look-ahead point {@code x + mu * v}:
 *
 * <pre>
 *   v = mu * v - lr * d(x + mu * v)
 *   x = x + v
 * </pre>
 *
 * <p>Substituting {@code x~ = x + mu * v} and storing {@code x~} as the parameter, so that the
 * backward pass computes the gradient {@code dx} exactly at the stored point, gives the equivalent
 * update implemented here:
 *
 * <pre>
 *   v_prev = v
 *   v      = mu * v - lr * dx
 *   x      = x - mu * v_prev + (1 + mu) * v
 * </pre>
 *
 * <p>The parameter therefore always tracks the look-ahead point; it equals the textbook {@code x}
 * once the velocity has decayed. {@code v_prev} is a loop local, so the state is one buffer, the
 * velocity {@code v}, zero-initialised.
 */
public final class Nesterov implements Optimizer {

  private final float mu;

  /**
   * Creates the configuration.
   *
   * @param mu momentum coefficient, {@code 0 <= mu < 1}
   * @throws IllegalArgumentException if {@code mu} is out of range
   */
  public Nesterov(double mu) {
    this.mu = Optimizers.fraction("nesterov mu", mu);
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
    return "nesterov";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Nesterov && ((Nesterov) o).mu == mu;
  }

  @Override
  public int hashCode() {
    return Nesterov.class.hashCode() * 31 + Float.hashCode(mu);
  }

  @Override
  public String toString() {
    return "nesterov(mu=" + mu + ")";
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
      float onePlusMu = 1.0f + mu;
      float lr = learningRate;
      for (int i = 0; i < n; i++) {
        float vPrev = v[i];
        float vi = m * vPrev - lr * dx[i];
        v[i] = vi;
        x[i] += -m * vPrev + onePlusMu * vi;
      }
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return buffers;
    }
  }
}
