package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Adam (Kingma and Ba, 2015): momentum on the gradient and RMSProp-style scaling, both from
 * bias-corrected exponential moving averages.
 *
 * <pre>
 *   m    = beta1 * m + (1 - beta1) * dx
 *   v    = beta2 * v + (1 - beta2) * dx * dx
 *   mhat = m / (1 - beta1^t)
 *   vhat = v / (1 - beta2^t)
 *   x    = x - lr * mhat / (sqrt(vhat) + eps)
 * </pre>
 *
 * <p>{@code t} is the 1-based {@code step} passed to {@link OptimizerState#update}. The bias
 * corrections undo the zero initialisation of {@code m} and {@code v}: at {@code t = 1}, {@code
 * mhat = dx} and {@code vhat = dx * dx}, so every element moves by about {@code lr} whatever the
 * gradient's scale. They are computed once per update in double precision. State: two buffers,
 * {@code m} then {@code v}, zero-initialised.
 */
public final class Adam implements Optimizer {

  private final float beta1;
  private final float beta2;
  private final float eps;

  /**
   * Creates the configuration.
   *
   * @param beta1 decay rate of the gradient average, {@code 0 <= beta1 < 1}
   * @param beta2 decay rate of the squared-gradient average, {@code 0 <= beta2 < 1}
   * @param eps smoothing term added to the denominator, finite and {@code > 0}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public Adam(double beta1, double beta2, double eps) {
    this.beta1 = Optimizers.fraction("adam beta1", beta1);
    this.beta2 = Optimizers.fraction("adam beta2", beta2);
    this.eps = Optimizers.positive("adam eps", eps);
  }

  /** The decay rate of the gradient average. */
  public float beta1() {
    return beta1;
  }

  /** The decay rate of the squared-gradient average. */
  public float beta2() {
    return beta2;
  }

  /** The smoothing term. */
  public float eps() {
    return eps;
  }

  @Override
  public OptimizerState newState(Parameter parameter) {
    return new State(beta1, beta2, eps, parameter);
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Adam)) {
      return false;
    }
    Adam other = (Adam) o;
    return other.beta1 == beta1 && other.beta2 == beta2 && other.eps == eps;
  }

  @Override
  public int hashCode() {
    int h = Adam.class.hashCode();
    h = h * 31 + Float.hashCode(beta1);
    h = h * 31 + Float.hashCode(beta2);
    return h * 31 + Float.hashCode(eps);
  }

  @Override
  public String toString() {
    return "adam(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")";
  }

  private static final class State implements OptimizerState {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final FMatrixRMaj first;
    private final FMatrixRMaj second;
    private final List<FMatrixRMaj> buffers;

    State(float beta1, float beta2, float eps, Parameter parameter) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.first = Optimizers.zerosLike(parameter);
      this.second = Optimizers.zerosLike(parameter);
      this.buffers = List.of(first, second);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code step < 1}
     */
    @Override
    public void boundUpdate(double[] bounds, double learningRate, long step) {
      double m = beta1 * bounds[1] + (1.0 - beta1) * bounds[2];
      double v = beta2 * bounds[1] + (1.0 - beta2) * bounds[2] * bounds[2];
      double mhat = m / (1.0 - Math.pow(beta1, step));
      double vhat = v / (1.0 - Math.pow(beta2, step));
      // the denominator sqrt(vhat) + eps is at least eps
      bounds[0] += learningRate * mhat / eps;
      bounds[1] = Math.max(m, v);
      bounds[3] = Math.max(learningRate * mhat, vhat);
    }

    @Override
    public boolean updateIsFinite(Parameter parameter, float learningRate, long step) {
      if (step < 1) {
        throw new IllegalArgumentException("adam step must be >= 1, got " + step);
      }
      Optimizers.checkSize(parameter, first);
      float inv1 = (float) (1.0 / (1.0 - Math.pow(beta1, step)));
      float inv2 = (float) (1.0 / (1.0 - Math.pow(beta2, step)));
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] m = first.data;
      float[] v = second.data;
      int n = parameter.size();
      float b1 = beta1;
      float b2 = beta2;
      float oneMinusB1 = 1.0f - beta1;
      float oneMinusB2 = 1.0f - beta2;
      float e = eps;
      float lr = learningRate;
      float max = 0f;
      for (int i = 0; i < n; i++) {
        float g = dx[i];
        float mi = b1 * m[i] + oneMinusB1 * g;
        float vi = b2 * v[i] + oneMinusB2 * g * g;
        float xi = x[i] - lr * (mi * inv1) / ((float) Math.sqrt(vi * inv2) + e);
        max = Math.max(max, Math.max(Math.max(Math.abs(mi), vi), Math.abs(xi)));
      }
      return Float.isFinite(max);
    }

    @Override
    public void update(Parameter parameter, float learningRate, long step) {
      if (step < 1) {
        throw new IllegalArgumentException("adam step must be >= 1, got " + step);
      }
      Optimizers.checkSize(parameter, first);
      float inv1 = (float) (1.0 / (1.0 - Math.pow(beta1, step)));
      float inv2 = (float) (1.0 / (1.0 - Math.pow(beta2, step)));
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      float[] m = first.data;
      float[] v = second.data;
      int n = parameter.size();
      float b1 = beta1;
      float b2 = beta2;
      float oneMinusB1 = 1.0f - beta1;
      float oneMinusB2 = 1.0f - beta2;
      float e = eps;
      float lr = learningRate;
      // elementwise: shared with the helpers of a training thread, the same bits
      KernelThreads.forRanges(
          n,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              float g = dx[i];
              float mi = b1 * m[i] + oneMinusB1 * g;
              float vi = b2 * v[i] + oneMinusB2 * g * g;
              m[i] = mi;
              v[i] = vi;
              x[i] -= lr * (mi * inv1) / ((float) Math.sqrt(vi * inv2) + e);
            }
          });
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return buffers;
    }
  }
}
