package io.kafkamlp.nn;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/** Computes an {@link Inspection} around one training step. */
final class Inspector {

  private final List<DenseLayer> dense = new ArrayList<>();
  private final List<ActivationLayer> activations = new ArrayList<>();
  private final List<float[]> before = new ArrayList<>();

  Inspector(Mlp network) {
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof DenseLayer d) {
        dense.add(d);
        ActivationLayer next = null;
        for (int k = i + 1; k < layers.size() && !(layers.get(k) instanceof DenseLayer); k++) {
          if (layers.get(k) instanceof ActivationLayer a) {
            next = a;
            break;
          }
        }
        activations.add(next);
        before.add(new float[d.weights().size()]);
      }
    }
  }

  /** Call after the gradients are computed and before the update: keeps the weights. */
  void beforeUpdate() {
    for (int i = 0; i < dense.size(); i++) {
      System.arraycopy(
          dense.get(i).weights().value().data, 0, before.get(i), 0, before.get(i).length);
    }
  }

  /** Call after the update. */
  Inspection afterUpdate(double loss, double penalty, double learningRate) {
    List<Inspection.LayerStats> stats = new ArrayList<>();
    for (int i = 0; i < dense.size(); i++) {
      DenseLayer layer = dense.get(i);
      float[] w = layer.weights().value().data;
      float[] g = layer.weights().gradient().data;
      float[] old = before.get(i);
      double change = 0;
      double norm = 0;
      double gradient = 0;
      for (int k = 0; k < w.length; k++) {
        double d = w[k] - old[k];
        change += d * d;
        norm += (double) w[k] * w[k];
        gradient += (double) g[k] * g[k];
      }
      ActivationLayer activation = activations.get(i);
      FMatrixRMaj out = activation == null ? layer.lastOutput() : activation.lastOutput();
      stats.add(
          new Inspection.LayerStats(
              layer.name(),
              norm == 0 ? Double.NaN : Math.sqrt(change / norm),
              Math.sqrt(gradient),
              deadRatio(activation),
              saturationRatio(activation),
              sample(out.data, out.getNumElements()),
              sample(g, g.length)));
    }
    return new Inspection(loss, penalty, learningRate, stats);
  }

  /** Units whose pre-activation was at most 0 for every row: they pass no gradient. */
  private static double deadRatio(ActivationLayer layer) {
    if (layer == null) {
      return Double.NaN;
    }
    String name = layer.activation().name();
    if (!name.equals("relu") && !name.equals("leaky-relu")) {
      return Double.NaN;
    }
    FMatrixRMaj z = layer.lastInput();
    int units = z.numCols;
    int dead = 0;
    for (int j = 0; j < units; j++) {
      boolean alive = false;
      for (int i = 0; i < z.numRows && !alive; i++) {
        alive = z.data[i * units + j] > 0f;
      }
      dead += alive ? 0 : 1;
    }
    return (double) dead / units;
  }

  /** Share of tanh outputs beyond 0.99 in magnitude, or sigmoid outputs within 0.01 of 0 or 1. */
  private static double saturationRatio(ActivationLayer layer) {
    if (layer == null) {
      return Double.NaN;
    }
    String name = layer.activation().name();
    FMatrixRMaj a = layer.lastOutput();
    int n = a.getNumElements();
    int saturated = 0;
    if (name.equals("tanh")) {
      for (int k = 0; k < n; k++) {
        saturated += Math.abs(a.data[k]) > 0.99f ? 1 : 0;
      }
    } else if (name.equals("sigmoid")) {
      for (int k = 0; k < n; k++) {
        saturated += a.data[k] < 0.01f || a.data[k] > 0.99f ? 1 : 0;
      }
    } else {
      return Double.NaN;
    }
    return (double) saturated / n;
  }

  /** Up to {@link Inspection#SAMPLE} values at an even stride. */
  private static float[] sample(float[] values, int n) {
    int count = Math.min(n, Inspection.SAMPLE);
    float[] sample = new float[count];
    for (int k = 0; k < count; k++) {
      sample[k] = values[(int) ((long) k * n / count)];
    }
    return sample;
  }
}
