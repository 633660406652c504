package io.kafkamlp.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.Parameter;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Checks each update rule against an independent double-precision evaluation of its formula,
 * written out here from the textbook definitions.
 *
 * <p>The references use the hyper-parameters as the configuration stores them ({@link #narrow}):
 * {@code 1 - 0.999} differs from {@code 1 - (float) 0.999} by 1.3e-5 relative, which would
 * otherwise swamp the 1e-6 tolerance with a configuration effect rather than an update error.
 */
class OptimizerTest {

  private static final double LR = narrow(0.1);
  private static final double EPS = narrow(1e-8);
  private static final double REL_TOL = 1e-6;

  private static final double[] X0 = {0.5, -1.25, 2.0};
  private static final double[][] GRADS = {
    {0.25, -0.5, 1.0},
    {-0.75, 0.125, 0.5},
    {0.5, 1.5, -0.25},
  };

  @Test
  void shouldMatchHandComputedValuesWhenSgdStepsThreeTimes() {
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.sgd().newState(p);
    double[] x = X0.clone();
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        x[i] = x[i] - LR * g[i];
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "sgd step " + t);
    }
  }

  @Test
  void shouldMatchHandComputedValuesWhenMomentumStepsThreeTimes() {
    double mu = narrow(0.9);
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.momentum(mu).newState(p);
    double[] x = X0.clone();
    double[] v = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        v[i] = mu * v[i] - LR * g[i];
        x[i] = x[i] + v[i];
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "momentum step " + t);
      assertClose(v, state.buffers().get(0), "momentum velocity step " + t);
    }
  }

  @Test
  void shouldMatchHandComputedValuesWhenNesterovStepsThreeTimes() {
    double mu = narrow(0.9);
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.nesterov(mu).newState(p);
    double[] x = X0.clone();
    double[] v = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        double vPrev = v[i];
        v[i] = mu * v[i] - LR * g[i];
        x[i] = x[i] - mu * vPrev + (1 + mu) * v[i];
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "nesterov step " + t);
    }
  }

  @Test
  void shouldTrackLookAheadPointWhenNesterovMinimizesQuadratic() {
    // f(x) = 0.5 * a * x^2 per element, gradient a * x. Textbook Nesterov in double:
    //   v = mu * v - lr * a * (x + mu * v);  x = x + v
    // The reformulated rule stores x~ = x + mu * v and is fed the gradient at x~.
    double mu = narrow(0.9);
    double[] a = {0.5, 2.0, 4.0};
    double[] x = {1.0, -2.0, 0.5};
    double[] v = new double[x.length];
    Parameter p = parameter(x);
    OptimizerState state = Optimizers.nesterov(mu).newState(p);
    double[] lookAhead = new double[x.length];
    double[] gradAtStored = new double[x.length];
    for (int t = 1; t <= 25; t++) {
      for (int i = 0; i < x.length; i++) {
        gradAtStored[i] = a[i] * p.value().data[i];
        v[i] = mu * v[i] - LR * a[i] * (x[i] + mu * v[i]);
        x[i] = x[i] + v[i];
        lookAhead[i] = x[i] + mu * v[i];
      }
      setGradient(p, gradAtStored);
      state.update(p, (float) LR, t);
      for (int i = 0; i < x.length; i++) {
        assertEquals(lookAhead[i], p.value().data[i], 1e-5, "step " + t + " element " + i);
      }
    }
  }

  @Test
  void shouldMatchHandComputedValuesWhenAdagradStepsThreeTimes() {
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.adagrad(EPS).newState(p);
    double[] x = X0.clone();
    double[] cache = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        cache[i] = cache[i] + g[i] * g[i];
        x[i] = x[i] - LR * g[i] / (Math.sqrt(cache[i]) + EPS);
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "adagrad step " + t);
      assertClose(cache, state.buffers().get(0), "adagrad cache step " + t);
    }
  }

  @Test
  void shouldMatchHandComputedValuesWhenRmsPropStepsThreeTimes() {
    double decay = narrow(0.9);
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.rmsprop(decay, EPS).newState(p);
    double[] x = X0.clone();
    double[] cache = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        cache[i] = decay * cache[i] + (1 - decay) * g[i] * g[i];
        x[i] = x[i] - LR * g[i] / (Math.sqrt(cache[i]) + EPS);
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "rmsprop step " + t);
    }
  }

  @Test
  void shouldUseDefaultsWhenRmsPropCreatedWithoutArguments() {
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.rmsprop().newState(p);
    double decay = narrow(0.99);
    double eps = narrow(1e-8);
    double[] x = X0.clone();
    double[] cache = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        cache[i] = decay * cache[i] + (1 - decay) * g[i] * g[i];
        x[i] = x[i] - LR * g[i] / (Math.sqrt(cache[i]) + eps);
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "rmsprop step " + t);
    }
  }

  @Test
  void shouldMatchHandComputedValuesWhenAdamStepsThreeTimes() {
    double beta1 = narrow(0.9);
    double beta2 = narrow(0.999);
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.adam().newState(p);
    double[] x = X0.clone();
    double[] m = new double[x.length];
    double[] v = new double[x.length];
    for (int t = 1; t <= GRADS.length; t++) {
      double[] g = GRADS[t - 1];
      for (int i = 0; i < x.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        double mhat = m[i] / (1 - Math.pow(beta1, t));
        double vhat = v[i] / (1 - Math.pow(beta2, t));
        x[i] = x[i] - LR * mhat / (Math.sqrt(vhat) + EPS);
      }
      setGradient(p, g);
      state.update(p, (float) LR, t);
      assertClose(x, p, "adam step " + t);
      assertClose(m, state.buffers().get(0), "adam m step " + t);
      assertClose(v, state.buffers().get(1), "adam v step " + t);
    }
  }

  @Test
  void shouldMoveEachElementByLearningRateWhenAdamTakesFirstStep() {
    double lr = 0.01;
    double[] g = {0.125, -5.0, 100.0};
    Parameter p = parameter(new double[] {0.0, 0.0, 0.0});
    OptimizerState state = Optimizers.adam(0.8, 0.99, EPS).newState(p);
    setGradient(p, g);
    state.update(p, (float) lr, 1);
    for (int i = 0; i < g.length; i++) {
      double expected = -Math.signum(g[i]) * lr;
      assertEquals(expected, p.value().data[i], REL_TOL * lr, "element " + i);
    }
  }

  @Test
  void shouldExposeZeroBuffersOfParameterShapeWhenStateIsNew() {
    Map<String, Integer> expectedCounts =
        Map.of("sgd", 0, "momentum", 1, "nesterov", 1, "adagrad", 1, "rmsprop", 1, "adam", 2);
    for (String name : Optimizers.NAMES) {
      Parameter p = new Parameter("w", 2, 3, true);
      Optimizer optimizer = Optimizers.byName(name, 0.9);
      List<FMatrixRMaj> buffers = optimizer.newState(p).buffers();
      assertEquals(expectedCounts.get(name), buffers.size(), name);
      for (FMatrixRMaj buffer : buffers) {
        assertEquals(2, buffer.numRows, name);
        assertEquals(3, buffer.numCols, name);
        for (int i = 0; i < buffer.getNumElements(); i++) {
          assertEquals(0.0, buffer.data[i], 0.0, name);
        }
      }
      if (buffers.size() > 0) {
        assertNotSame(
            buffers.get(0), optimizer.newState(p).buffers().get(0), name + " shares state");
      }
    }
    List<FMatrixRMaj> adam = Optimizers.adam().newState(new Parameter("b", 1, 4, false)).buffers();
    assertNotSame(adam.get(0), adam.get(1));
  }

  @Test
  void shouldLeaveSgdParametersUnchangedWhenGradientIsZero() {
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.sgd().newState(p);
    for (int t = 1; t <= 3; t++) {
      state.update(p, 0.5f, t);
    }
    for (int i = 0; i < X0.length; i++) {
      assertEquals(X0[i], p.value().data[i], 0.0);
    }
  }

  @Test
  void shouldLeaveParametersUnchangedWhenAnyFreshRuleSeesZeroGradients() {
    for (String name : Optimizers.NAMES) {
      Parameter p = parameter(X0);
      OptimizerState state = Optimizers.byName(name, 0.5).newState(p);
      for (int t = 1; t <= 3; t++) {
        state.update(p, 0.5f, t);
      }
      for (int i = 0; i < X0.length; i++) {
        assertEquals(X0[i], p.value().data[i], 0.0, name);
      }
    }
  }

  @Test
  void shouldUpdateToTheSameBitsWhenHelpersShareAnyRulesUpdate() {
    int n = 3 * KernelThreads.MIN_SHARED_ELEMENTS + 5; // shared in ranges, not a whole vector
    for (String name : Optimizers.NAMES) {
      float[] alone = threeSteps(name, n);
      float[] shared;
      try (KernelThreads kernels = KernelThreads.bind(3, "optim")) {
        shared = threeSteps(name, n);
        assertEquals(3, kernels.jobsRun(), name + ": each update shared");
      }
      for (int i = 0; i < n; i++) {
        assertEquals(
            Float.floatToRawIntBits(alone[i]), Float.floatToRawIntBits(shared[i]), name + " " + i);
      }
    }
  }

  /** A parameter of {@code n} elements after three updates by rule {@code name}, then its state. */
  private static float[] threeSteps(String name, int n) {
    Parameter p = new Parameter("w", 1, n, false);
    Random random = new Random(11);
    OptimizerState state = Optimizers.byName(name, 0.9).newState(p);
    for (int i = 0; i < n; i++) {
      p.value().data[i] = (float) random.nextGaussian();
    }
    for (int t = 1; t <= 3; t++) {
      for (int i = 0; i < n; i++) {
        p.gradient().data[i] = (float) random.nextGaussian();
      }
      state.update(p, 0.01f, t);
    }
    float[] all = p.value().data.clone();
    for (FMatrixRMaj buffer : state.buffers()) {
      float[] joined = new float[all.length + buffer.data.length];
      System.arraycopy(all, 0, joined, 0, all.length);
      System.arraycopy(buffer.data, 0, joined, all.length, buffer.data.length);
      all = joined;
    }
    return all;
  }

  @Test
  void shouldResolveEveryRuleWhenNameIsValid() {
    for (String name : Optimizers.NAMES) {
      assertEquals(name, Optimizers.byName(name, 0.9).name());
    }
    assertEquals(Optimizers.adam(), Optimizers.byName(" ADAM ", 0.0));
    assertEquals(Optimizers.nesterov(0.5), Optimizers.byName("nesterov", 0.5));
    assertEquals(Optimizers.momentum(), Optimizers.byName("momentum", 0.9));
  }

  @Test
  void shouldListValidNamesWhenNameIsUnknown() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("adamw", 0.9));
    for (String name : Optimizers.NAMES) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void shouldRejectConfigurationWhenOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> Optimizers.momentum(1.0));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.momentum(-0.1));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.nesterov(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("momentum", 1.5));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.adagrad(0.0));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.rmsprop(1.0, EPS));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.rmsprop(0.9, -1e-8));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(1.0, 0.999, EPS));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(0.9, 0.999999999, EPS));
    assertThrows(
        IllegalArgumentException.class,
        () -> Optimizers.adam(0.9, 0.999, Double.POSITIVE_INFINITY));
  }

  @Test
  void shouldRejectUpdateWhenAdamStepIsNotPositive() {
    Parameter p = parameter(X0);
    OptimizerState state = Optimizers.adam().newState(p);
    assertThrows(IllegalArgumentException.class, () -> state.update(p, 0.1f, 0));
  }

  @Test
  void shouldRejectUpdateWhenParameterSizeDiffersFromState() {
    OptimizerState state = Optimizers.momentum().newState(new Parameter("a", 1, 3, true));
    Parameter other = new Parameter("b", 2, 3, true);
    assertThrows(IllegalArgumentException.class, () -> state.update(other, 0.1f, 1));
  }

  /** A hyper-parameter rounded to the parameters' precision, as the configuration holds it. */
  private static double narrow(double value) {
    return (float) value;
  }

  private static Parameter parameter(double[] values) {
    Parameter p = new Parameter("p", 1, values.length, true);
    for (int i = 0; i < values.length; i++) {
      p.value().data[i] = (float) values[i];
    }
    return p;
  }

  private static void setGradient(Parameter p, double[] gradient) {
    for (int i = 0; i < gradient.length; i++) {
      p.gradient().data[i] = (float) gradient[i];
    }
  }

  private static void assertClose(double[] expected, Parameter p, String message) {
    assertClose(expected, p.value(), message);
  }

  private static void assertClose(double[] expected, FMatrixRMaj actual, String message) {
    assertEquals(expected.length, actual.getNumElements(), message);
    for (int i = 0; i < expected.length; i++) {
      double tolerance = REL_TOL * Math.max(Math.abs(expected[i]), 1e-3);
      assertEquals(expected[i], actual.data[i], tolerance, message + " element " + i);
    }
  }
}
