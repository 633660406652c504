package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.ejml.data.FMatrixRMaj;

/**
 * Factory for the update rules, with the usual defaults: momentum {@code mu = 0.9}, RMSProp {@code
 * decay = 0.99}, Adam {@code beta1 = 0.9, beta2 = 0.999}, and {@code eps = 1e-8} for the adaptive
 * rules.
 */
public final class Optimizers {

  /** The default momentum coefficient of {@link Momentum}, classical and Nesterov. */
  public static final double DEFAULT_MOMENTUM = 0.9;

  /** The default decay rate of {@link RmsProp}. */
  public static final double DEFAULT_RMSPROP_DECAY = 0.99;

  /** The default decay rate of {@link Adam}'s gradient average. */
  public static final double DEFAULT_BETA1 = 0.9;

  /** The default decay rate of {@link Adam}'s squared-gradient average. */
  public static final double DEFAULT_BETA2 = 0.999;

  /** The default smoothing term of {@link Adagrad}, {@link RmsProp} and {@link Adam}. */
  public static final double DEFAULT_EPS = 1e-8;

  /** The names accepted by {@link #byName}, which are also the rules' {@link Optimizer#name()}. */
  public static final List<String> NAMES =
      List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");

  private Optimizers() {}

  /** {@code x = x - lr * dx}. */
  public static Optimizer sgd() {
    return new Sgd();
  }

  /** Classical momentum with {@code mu = 0.9}. */
  public static Optimizer momentum() {
    return new Momentum(DEFAULT_MOMENTUM, false);
  }

  /** Classical momentum; {@code 0 <= mu < 1}. */
  public static Optimizer momentum(double mu) {
    return new Momentum(mu, false);
  }

  /** Nesterov momentum with {@code mu = 0.9}. */
  public static Optimizer nesterov() {
    return new Momentum(DEFAULT_MOMENTUM, true);
  }

  /** Nesterov momentum; {@code 0 <= mu < 1}. */
  public static Optimizer nesterov(double mu) {
    return new Momentum(mu, true);
  }

  /** Adagrad with {@code eps = 1e-8}. */
  public static Optimizer adagrad() {
    return new Adagrad(DEFAULT_EPS);
  }

  /** Adagrad; {@code eps > 0}. */
  public static Optimizer adagrad(double eps) {
    return new Adagrad(eps);
  }

  /** RMSProp with {@code decay = 0.99, eps = 1e-8}. */
  public static Optimizer rmsprop() {
    return new RmsProp(DEFAULT_RMSPROP_DECAY, DEFAULT_EPS);
  }

  /** RMSProp; {@code 0 <= decay < 1}, {@code eps > 0}. */
  public static Optimizer rmsprop(double decay, double eps) {
    return new RmsProp(decay, eps);
  }

  /** Adam with {@code beta1 = 0.9, beta2 = 0.999, eps = 1e-8}. */
  public static Optimizer adam() {
    return new Adam(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
  }

  /** Adam; {@code 0 <= beta1, beta2 < 1}, {@code eps > 0}. */
  public static Optimizer adam(double beta1, double beta2, double eps) {
    return new Adam(beta1, beta2, eps);
  }

  /**
   * The rule of that name, with default hyper-parameters except the momentum coefficient.
   *
   * @param name one of {@link #NAMES}, case-insensitive, surrounding blanks ignored
   * @param momentum {@code mu} of {@code momentum} and {@code nesterov}, {@code 0 <= mu < 1};
   *     ignored (and not validated) for the other rules
   * @throws IllegalArgumentException if the name is unknown (the message lists the valid names) or
   *     the momentum is out of range for a momentum rule
   */
  public static Optimizer byName(String name, double momentum) {
    Objects.requireNonNull(name, "name");
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "sgd":
        return sgd();
      case "momentum":
        return momentum(momentum);
      case "nesterov":
        return nesterov(momentum);
      case "adagrad":
        return adagrad();
      case "rmsprop":
        return rmsprop();
      case "adam":
        return adam();
      default:
        throw new IllegalArgumentException(
            "unknown optimizer '" + name + "'; valid names: " + String.join(", ", NAMES));
    }
  }

  /** A decay rate or momentum coefficient in {@code [0, 1)}, also after narrowing. */
  static float fraction(String what, double value) {
    float narrowed = (float) value;
    if (!(value >= 0.0 && narrowed < 1.0f)) {
      throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
    }
    return narrowed + 0.0f; // -0 becomes +0, keeping equals and hashCode consistent
  }

  /** A finite, strictly positive value, also after narrowing. */
  static float positive(String what, double value) {
    float narrowed = (float) value;
    if (!(narrowed > 0.0f && !Double.isInfinite(narrowed))) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + value);
    }
    return narrowed;
  }

  /** A zero matrix of the parameter's shape. */
  static FMatrixRMaj zerosLike(Parameter parameter) {
    return new FMatrixRMaj(parameter.value().numRows, parameter.value().numCols);
  }

  /** Rejects a parameter other than the one a state was created for. */
  static void checkSize(Parameter parameter, FMatrixRMaj buffer) {
    if (parameter.size() != buffer.getNumElements()) {
      throw new IllegalArgumentException(
          "optimizer state of "
              + buffer.getNumElements()
              + " elements given parameter "
              + parameter);
    }
  }
}
