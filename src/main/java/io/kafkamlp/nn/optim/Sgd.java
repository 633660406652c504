package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Vanilla stochastic gradient descent.
 *
 * <pre>
 *   x = x - lr * dx
 * </pre>
 *
 * <p>Keeps no state: {@link OptimizerState#buffers()} is empty and all parameters share one state
 * instance.
 */
public final class Sgd implements Optimizer {

  private static final OptimizerState STATE = new State();

  /** Creates the (only) configuration; prefer {@link Optimizers#sgd()}. */
  public Sgd() {}

  @Override
  public OptimizerState newState(Parameter parameter) {
    return STATE;
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sgd;
  }

  @Override
  public int hashCode() {
    return Sgd.class.hashCode();
  }

  @Override
  public String toString() {
    return "sgd()";
  }

  private static final class State implements OptimizerState {

    @Override
    public void boundUpdate(double[] bounds, double learningRate, long step) {
      bounds[0] += learningRate * bounds[2];
      bounds[3] = 0;
    }

    @Override
    public boolean updateIsFinite(Parameter parameter, float learningRate, long step) {
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      int n = parameter.size();
      float lr = learningRate;
      float max = 0f;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, Math.abs(x[i] - lr * dx[i]));
      }
      return Float.isFinite(max);
    }

    @Override
    public void update(Parameter parameter, float learningRate, long step) {
      float[] x = parameter.value().data;
      float[] dx = parameter.gradient().data;
      int n = parameter.size();
      float lr = learningRate;
      KernelThreads.forRanges(
          n,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              x[i] -= lr * dx[i];
            }
          });
    }

    @Override
    public List<FMatrixRMaj> buffers() {
      return List.of();
    }
  }
}
