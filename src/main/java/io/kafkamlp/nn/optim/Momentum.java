package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Momentum: a velocity integrates the negative gradient with exponential decay {@code mu}, and the
 * parameter moves by the velocity. Two variants, which share the state (one buffer, the velocity
 * {@code v}, zero-initialised):
 *
 * <p><b>Classical (heavy-ball) momentum</b>, {@link Optimizers#momentum(double)}:
 *
 * <pre>
 *   v = mu * v - lr * dx
 *   x = x + v
 * </pre>
 *
 * <p>With {@code mu = 0} this is {@link Sgd}. Under a constant gradient the steps grow to 1/(1-mu)
 * times the plain step: ten times at {@code mu = 0.9}.
 *
 * <p><b>Nesterov momentum</b>, {@link Optimizers#nesterov(double)}, in the reformulated form of the
 * CS231n notes. The textbook rule evaluates the gradient at the look-ahead point {@code x + mu *
 * v}:
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
 * once the velocity has decayed. {@code v_prev} is a loop local, so no second buffer is needed.
 */
public final class Momentum implements Optimizer {

  private final float mu;
  private final boolean nesterov;

  /**
   * Creates the configuration.
   *
   * @param mu momentum coefficient, {@code 0 <= mu < 1}
   * @param nesterov Nesterov's look-ahead variant rather than classical momentum
   * @throws IllegalArgumentException if {@code mu} is out of range
   */
  public Momentum(double mu, boolean nesterov) {
    this.mu = Optimizers.fraction(nesterov ? "nesterov mu" : "momentum mu", mu);
    this.nesterov = nesterov;
  }

  /** The momentum coefficient. */
  public float mu() {
    return mu;
  }

  /** Whether this is Nesterov's variant. */
  public boolean nesterov() {
    return nesterov;
  }

  @Override
  public OptimizerState newState(Parameter parameter) {
    return new State(mu, nesterov, parameter);
  }

  @Override
  public String name() {
    return nesterov ? "nesterov" : "momentum";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Momentum && ((Momentum) o).mu == mu && ((Momentum) o).nesterov == nesterov;
  }

  @Override
  public int hashCode() {
    return (Momentum.class.hashCode() * 31 + Float.hashCode(mu)) * 31 + Boolean.hashCode(nesterov);
  }

  @Override
  public String toString() {
    return name() + "(mu=" + mu + ")";
  }

  private static final class State implements OptimizerState {

    private final float mu;
    private final boolean nesterov;
    private final FMatrixRMaj velocity;
    private final List<FMatrixRMaj> buffers;

    State(float mu, boolean nesterov, Parameter parameter) {
      this.mu = mu;
      this.nesterov = nesterov;
      this.velocity = Optimizers.zerosLike(parameter);
      this.buffers = List.of(velocity);
    }

    @Override
    public void boundUpdate(double[] bounds, double learningRate, long step) {
      double v = mu * bounds[1] + learningRate * bounds[2];
      bounds[0] += nesterov ? mu * bounds[1] + (1.0 + mu) * v : v;
      bounds[1] = v;
      bounds[3] = 0;
    }

    @Override
    public boolean updateIsFinite(Parameter parameter, float learningRate, long step) {
      Optimizers.checkSize(parameter, velocity);
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] v = velocity.data;
      int n = parameter.size();
      float m = mu;
      float lr = learningRate;
      float max = 0f;
      if (nesterov) {
        float onePlusMu = 1.0f + mu;
        for (int i = 0; i < n; i++) {
          float vPrev = v[i];
          float vi = m * vPrev - lr * dx[i];
          max =
              Math.max(max, Math.max(Math.abs(vi), Math.abs(x[i] + (-m * vPrev + onePlusMu * vi))));
        }
      } else {
        for (int i = 0; i < n; i++) {
          float vi = m * v[i] - lr * dx[i];
          max = Math.max(max, Math.max(Math.abs(vi), Math.abs(x[i] + vi)));
        }
      }
      return Float.isFinite(max);
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
      if (nesterov) {
        float onePlusMu = 1.0f + mu;
        KernelThreads.forRanges(
            n,
            (from, to) -> {
              for (int i = from; i < to; i++) {
                float vPrev = v[i];
                float vi = m * vPrev - lr * dx[i];
                v[i] = vi;
                x[i] += -m * vPrev + onePlusMu * vi;
              }
            });
      } else {
        KernelThreads.forRanges(
            n,
            (from, to) -> {
              for (int i = from; i < to; i++) {
                float vi = m * v[i] - lr * dx[i];
                v[i] = vi;
                x[i] += vi;
              }
            });
      }
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return buffers;
    }
  }
}
