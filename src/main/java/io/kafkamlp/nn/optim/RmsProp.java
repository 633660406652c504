package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * RMSProp: Adagrad with an exponentially decaying average of squared gradients instead of a sum.
 *
 * <pre>
 *   cache = decay * cache + (1 - decay) * dx * dx
 *   x     = x - lr * dx / (sqrt(cache) + eps)
 * </pre>
 *
 * <p>State: one buffer, the {@code cache}, zero-initialised (so early steps are larger than the
 * steady state; {@link Adam} corrects that bias, RMSProp does not).
 */
public final class RmsProp implements Optimizer {

  private final float decay;
  private final float eps;

  /**
   * Creates the configuration.
   *
   * @param decay decay rate of the squared-gradient average, {@code 0 <= decay < 1}
   * @param eps smoothing term added to the denominator, finite and {@code > 0}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public RmsProp(double decay, double eps) {
    this.decay = Optimizers.fraction("rmsprop decay", decay);
    this.eps = Optimizers.positive("rmsprop eps", eps);
  }

  /** The decay rate of the squared-gradient average. */
  public float decay() {
    return decay;
  }

  /** The smoothing term. */
  public float eps() {
    return eps;
  }

  @Override
  public OptimizerState newState(Parameter parameter) {
    return new State(decay, eps, parameter);
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RmsProp)) {
      return false;
    }
    RmsProp other = (RmsProp) o;
    return other.decay == decay && other.eps == eps;
  }

  @Override
  public int hashCode() {
    return (RmsProp.class.hashCode() * 31 + Float.hashCode(decay)) * 31 + Float.hashCode(eps);
  }

  @Override
  public String toString() {
    return "rmsprop(decay=" + decay + ", eps=" + eps + ")";
  }

  private static final class State implements OptimizerState {

    private final float decay;
    private final float eps;
    private final FMatrixRMaj cache;
    private final List<FMatrixRMaj> buffers;

    State(float decay, float eps, Parameter parameter) {
      this.decay = decay;
      this.eps = eps;
      this.cache = Optimizers.zerosLike(parameter);
      this.buffers = List.of(cache);
    }

    @Override
    public void boundUpdate(double[] bounds, double learningRate, long step) {
      // cache >= (1 - decay) dx^2, so |dx| / (sqrt(cache) + eps) <= 1 / sqrt(1 - decay) up to
      // rounding; 1e-18 / eps covers a dx^2 that underflows
      bounds[0] += learningRate * (2.0 + 1e-18 / eps) / Math.sqrt(1.0 - decay);
      bounds[1] = decay * bounds[1] + (1.0 - decay) * bounds[2] * bounds[2];
      bounds[3] = learningRate * bounds[2];
    }

    @Override
    public boolean updateIsFinite(Parameter parameter, float learningRate, long step) {
      Optimizers.checkSize(parameter, cache);
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] c = cache.data;
      int n = parameter.size();
      float d = decay;
      float oneMinusD = 1.0f - decay;
      float e = eps;
      float lr = learningRate;
      float max = 0f;
      for (int i = 0; i < n; i++) {
        float g = dx[i];
        float ci = d * c[i] + oneMinusD * g * g;
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
      float d = decay;
      float oneMinusD = 1.0f - decay;
      float e = eps;
      float lr = learningRate;
      KernelThreads.forRanges(
          n,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              float g = dx[i];
              float ci = d * c[i] + oneMinusD * g * g;
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
