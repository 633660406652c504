package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Adagrad: per-element learning rates scaled down by the accumulated squared gradients.
 *
 * <pre>
 *   cache = cache + dx * dx
 *   x     = x - lr * dx / (sqrt(cache) + eps)
 * </pre>
 *
 * <p>The cache never decays, so the effective rate only shrinks; for long-running streams {@link
 * RmsProp} or {@link Adam} are usually preferable. State: one buffer, the {@code cache},
 * zero-initialised.
 */
public final class Adagrad implements Optimizer {

  private final float eps;

  /**
   * Creates the configuration.
   *
   * @param eps smoothing term added to the denominator, finite and {@code > 0}
   * @throws IllegalArgumentException if {@code eps} is out of range
   */
  public Adagrad(double eps) {
    this.eps = Optimizers.positive("adagrad eps", eps);
  }

  /** The smoothing term. */
  public float eps() {
    return eps;
  }

  @Override
  public OptimizerState newState(Parameter parameter) {
    return new State(eps, parameter);
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Adagrad && ((Adagrad) o).eps == eps;
  }

  @Override
  public int hashCode() {
    return Adagrad.class.hashCode() * 31 + Float.hashCode(eps);
  }

  @Override
  public String toString() {
    return "adagrad(eps=" + eps + ")";
  }

  private static final class State implements OptimizerState {

    private final float eps;
    private final FMatrixRMaj cache;
    private final List<FMatrixRMaj> buffers;

    State(float eps, Parameter parameter) {
      this.eps = eps;
      this.cache = Optimizers.zerosLike(parameter);
      this.buffers = List.of(cache);
    }

    @Override
    public void boundUpdate(double[] bounds, double learningRate, long step) {
      // |dx| / (sqrt(cache) + eps) <= 1 up to rounding, as cache >= dx^2; 1e-18 / eps covers a dx^2
      // that underflows
      bounds[0] += learningRate * (2.0 + 1e-18 / eps);
      bounds[1] += bounds[2] * bounds[2];
      bounds[3] = learningRate * bounds[2];
    }

    @Override
    public boolean updateIsFinite(Parameter parameter, float learningRate, long step) {
      Optimizers.checkSize(parameter, cache);
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] c = cache.data;
      int n = parameter.size();
      float e = eps;
      float lr = learningRate;
      float max = 0f;
      for (int i = 0; i < n; i++) {
        float g = dx[i];
        float ci = c[i] + g * g;
        max = Math.max(max, Math.max(ci, Math.abs(x[i] - lr * g / ((float) Math.sqrt(ci) + e))));
      }
      return Float.isFinite(max);
    }

    @Override
    public void update(Parameter parameter, float learningRate, long step) {
      Optimizers.checkSize(parameter, cache);
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] c = cache.data;
      int n = parameter.size();
      float e = eps;
      float lr = learningRate;
      KernelThreads.forRanges(
          n,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              float g = dx[i];
              float ci = c[i] + g * g;
              c[i] = ci;
              x[i] -= lr * g / ((float) Math.sqrt(ci) + e);
            }
          });
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return buffers;
    }
  }
}
