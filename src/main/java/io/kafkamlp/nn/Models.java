package io.kafkamlp.nn;

import io.kafkamlp.nn.activation.Activation;
import io.kafkamlp.nn.activation.Activations;
import io.kafkamlp.nn.loss.Losses;
import io.kafkamlp.nn.optim.Optimizer;
import io.kafkamlp.nn.optim.OptimizerState;
import io.kafkamlp.nn.optim.Optimizers;
import io.kafkamlp.nn.regularize.L1Penalty;
import io.kafkamlp.nn.regularize.L2Penalty;
import io.kafkamlp.nn.regularize.MaxNorm;
import io.kafkamlp.nn.regularize.Penalty;
import io.kafkamlp.nn.schedule.LearningRateSchedule;
import io.kafkamlp.nn.schedule.LearningRateSchedules;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** Builds a fresh {@link Model} from a {@link ModelSpec}. */
public final class Models {

  /** Momentum of the batch-norm running averages. */
  static final double BATCH_NORM_MOMENTUM = 0.9;

  /** Relative improvement a plateau schedule needs to count a validation loss as better. */
  static final double PLATEAU_THRESHOLD = 1e-3;

  /**
   * A plateau schedule never goes below this fraction of the initial rate: on an endless stream the
   * validation loss stops improving for good once the model has converged, and without a floor the
   * rate would halve towards zero and the model stop following the stream.
   */
  static final double PLATEAU_FLOOR = 0.1;

  private Models() {}

  /**
   * A new model: each hidden layer is dense, then batch normalization if asked (the dense bias is
   * then left out, as the normalization's shift replaces it), then the activation, then dropout if
   * asked; the output layer is dense and linear. Weights are Gaussian with the activation's
   * initialization (He for the ReLU family, Xavier otherwise), biases zero, all drawn from a
   * generator seeded by {@code spec.seed()}. The output layer's weights have variance {@code 1 / (3
   * fanIn)} (that of PyTorch's default linear layer): small enough that the initial class
   * probabilities are close to uniform, so the initial softmax loss is close to {@code ln C} as the
   * sanity check expects.
   */
  public static Model create(ModelSpec spec) {
    return build(spec, true);
  }

  /**
   * A model of {@code spec} whose weights are left 0 instead of drawn: for {@link ModelCodec} to
   * overwrite every tensor and the generator's state, without drawing a Gaussian per weight first.
   */
  static Model forDecoding(ModelSpec spec) {
    return build(spec, false);
  }

  private static Model build(ModelSpec spec, boolean initialize) {
    Rng root = new Rng(spec.seed());
    Rng initRng = root.split();
    Rng weightsRng = initialize ? initRng : null;
    Rng dropoutRng = root.split();
    Activation activation =
        Activations.byName(spec.activation(), spec.leakySlope(), spec.maxoutPieces());
    List<Integer> sizes = spec.layers();
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i + 2 < sizes.size(); i++) {
      int fanIn = sizes.get(i);
      int units = sizes.get(i + 1);
      int width = activation.inputWidth(units);
      String name = "dense" + i;
      layers.add(
          new DenseLayer(
              name, fanIn, width, !spec.batchNorm(), activation.initStd(fanIn, units), weightsRng));
      if (spec.batchNorm()) {
        layers.add(new BatchNormLayer("batchnorm" + i, width, BATCH_NORM_MOMENTUM));
      }
      layers.add(new ActivationLayer(activation, units));
      if (spec.dropout() > 0) {
        layers.add(new DropoutLayer(units, spec.dropout(), dropoutRng));
      }
    }
    int last = sizes.size() - 2;
    int fanIn = sizes.get(last);
    int outputs = sizes.get(last + 1);
    layers.add(
        new DenseLayer("dense" + last, fanIn, outputs, true, outputInitStd(fanIn), weightsRng));
    Mlp network = new Mlp(layers);

    List<Penalty> penalties = new ArrayList<>();
    if (spec.l2() > 0) {
      penalties.add(new L2Penalty(spec.l2()));
    }
    if (spec.l1() > 0) {
      penalties.add(new L1Penalty(spec.l1()));
    }
    MaxNorm maxNorm = spec.maxNorm() > 0 ? new MaxNorm(spec.maxNorm()) : null;
    Optimizer optimizer = Optimizers.byName(spec.optimizer(), spec.momentum());
    List<OptimizerState> states = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      states.add(optimizer.newState(p));
    }
    return new Model(
        spec,
        network,
        Losses.byName(spec.loss()),
        penalties,
        maxNorm,
        states,
        schedule(spec),
        dropoutRng);
  }

  /** Standard deviation of the output layer's initial weights. */
  static double outputInitStd(int fanIn) {
    return Math.sqrt(1.0 / (3.0 * fanIn));
  }

  /** The learning-rate schedule a spec describes. */
  public static LearningRateSchedule schedule(ModelSpec spec) {
    double lr = spec.learningRate();
    switch (spec.lrSchedule()) {
      case "constant":
        return LearningRateSchedules.constant(lr);
      case "step":
        return LearningRateSchedules.stepDecay(lr, spec.lrDecay(), spec.lrStep());
      case "exponential":
        return LearningRateSchedules.exponentialDecay(lr, spec.lrRate());
      case "inverse-time":
        return LearningRateSchedules.inverseTimeDecay(lr, spec.lrRate());
      case "plateau":
        return LearningRateSchedules.reduceOnPlateau(
            lr, spec.lrDecay(), spec.lrPatience(), PLATEAU_THRESHOLD, lr * PLATEAU_FLOOR);
      default:
        throw new IllegalArgumentException("unknown lr-schedule " + spec.lrSchedule());
    }
  }
}
