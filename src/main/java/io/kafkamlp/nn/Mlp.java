package io.kafkamlp.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * A multi-layer perceptron: a chain of {@link Layer}s whose last one is linear (no activation),
 * producing class scores or regression values, one sample per row.
 *
 * <p>Not thread-safe: the layers hold the activations of the last forward for the backward.
 */
public final class Mlp {

  private final List<Layer> layers;
  private final List<Parameter> parameters;
  private final List<FMatrixRMaj> buffers;

  /**
   * @param layers in order from input to output; each one's input width is its predecessor's output
   *     width
   */
  public Mlp(List<Layer> layers) {
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i).inputWidth() != layers.get(i - 1).outputWidth()) {
        throw new IllegalArgumentException(
            "layer "
                + i
                + " takes "
                + layers.get(i).inputWidth()
                + " columns but layer "
                + (i - 1)
                + " gives "
                + layers.get(i - 1).outputWidth());
      }
    }
    this.layers = List.copyOf(layers);
    List<Parameter> p = new ArrayList<>();
    List<FMatrixRMaj> b = new ArrayList<>();
    for (Layer layer : layers) {
      p.addAll(layer.parameters());
      b.addAll(layer.buffers());
    }
    this.parameters = Collections.unmodifiableList(p);
    this.buffers = Collections.unmodifiableList(b);
  }

  public int inputWidth() {
    return layers.get(0).inputWidth();
  }

  public int outputWidth() {
    return layers.get(layers.size() - 1).outputWidth();
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Every trainable parameter, layer by layer, in a fixed order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** Every saved non-trainable tensor (batch-norm running statistics), in a fixed order. */
  public List<FMatrixRMaj> buffers() {
    return buffers;
  }

  /**
   * Runs the layers in order.
   *
   * @param x (n x inputWidth) not modified
   * @return the scores (n x outputWidth), owned by the last layer
   */
  public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
    FMatrixRMaj a = x;
    for (int i = 0; i < layers.size(); i++) {
      a = layers.get(i).forward(a, training);
    }
    return a;
  }

  /**
   * Whether the last forward left a ReLU layer silent: every output 0 for every row. No gradient
   * then reaches the weights below it, so such a layer, once silent for every input, never revives:
   * the mark of a step too large. Stops at the first non-zero output, so a live layer costs little.
   */
  public boolean hasSilentLayer() {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof ActivationLayer a
          && a.activation().name().equals("relu")
          && isAllZero(a.lastOutput())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAllZero(FMatrixRMaj m) {
    float[] d = m.data;
    int n = m.getNumElements();
    for (int i = 0; i < n; i++) {
      if (d[i] != 0f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Backpropagates from the gradient of the loss with respect to the scores of the last forward,
   * writing every parameter's gradient.
   */
  public void backward(FMatrixRMaj scoreGradient) {
    FMatrixRMaj g = scoreGradient;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g, i > 0);
    }
  }

  /** Whether {@link #commit} would leave every layer's running state finite; changes nothing. */
  public boolean commitIsFinite() {
    for (int i = 0; i < layers.size(); i++) {
      if (!layers.get(i).commitIsFinite()) {
        return false;
      }
    }
    return true;
  }

  /** Lets every layer fold the last training forward into its running state. */
  public void commit() {
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).commit();
    }
  }

  /** The kinks of the last forward (see {@link Layer#kinks}). */
  public long kinks(long hash) {
    long h = hash;
    for (Layer layer : layers) {
      h = layer.kinks(h);
    }
    return h;
  }
}
