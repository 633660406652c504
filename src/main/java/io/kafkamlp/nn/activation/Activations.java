package io.kafkamlp.nn.activation;

/** Factory of the activations, by method or by spec name. */
public final class Activations {

  /** The names {@link #byName} accepts. */
  public static final String NAMES = "relu|leaky-relu|tanh|sigmoid|maxout|identity";

  private Activations() {}

  public static Activation relu() {
    return new Relu();
  }

  /** Leaky ReLU with the given negative-side slope, in [0, 1). */
  public static Activation leakyRelu(double slope) {
    return new LeakyRelu(slope);
  }

  public static Activation tanh() {
    return new Tanh();
  }

  public static Activation sigmoid() {
    return new Sigmoid();
  }

  /** Maxout over {@code pieces >= 2} linear pieces per unit. */
  public static Activation maxout(int pieces) {
    return new Maxout(pieces);
  }

  public static Activation identity() {
    return new Identity();
  }

  /**
   * The activation named {@code name}.
   *
   * @param slope used by leaky-relu only
   * @param pieces used by maxout only
   * @throws IllegalArgumentException for an unknown name, listing the valid ones
   */
  public static Activation byName(String name, double slope, int pieces) {
    switch (name) {
      case "relu":
        return relu();
      case "leaky-relu":
        return leakyRelu(slope);
      case "tanh":
        return tanh();
      case "sigmoid":
        return sigmoid();
      case "maxout":
        return maxout(pieces);
      case "identity":
        return identity();
      default:
        throw new IllegalArgumentException(
            "unknown activation '" + name + "', expected one of " + NAMES);
    }
  }
}
