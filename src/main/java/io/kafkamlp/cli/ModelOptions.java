package io.kafkamlp.cli;

import io.kafkamlp.spec.ModelSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The model options shared by every command. Each option is a {@link ModelSpec} key: {@code
 * --config FILE} reads the same keys from a properties file, and options given on the command line
 * override the file.
 */
public final class ModelOptions {

  private final Properties given = new Properties();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with model keys (layers=..., lr=...).")
  Path config;

  @Option(
      names = "--layers",
      paramLabel = "N,N,...",
      description = "Layer sizes, input to output (default 784,256,128,10).")
  void layers(String v) {
    given.setProperty(ModelSpec.LAYERS_CONFIG, v);
  }

  @Option(names = "--activation", description = ModelSpec.ACTIVATIONS + " (default relu).")
  void activation(String v) {
    given.setProperty(ModelSpec.ACTIVATION_CONFIG, v);
  }

  @Option(names = "--leaky-slope", description = "Slope of leaky-relu for z < 0 (default 0.01).")
  void leakySlope(String v) {
    given.setProperty(ModelSpec.LEAKY_SLOPE_CONFIG, v);
  }

  @Option(names = "--maxout-pieces", description = "Pieces per maxout unit (default 2).")
  void maxoutPieces(String v) {
    given.setProperty(ModelSpec.MAXOUT_PIECES_CONFIG, v);
  }

  @Option(names = "--loss", description = ModelSpec.LOSSES + " (default softmax).")
  void loss(String v) {
    given.setProperty(ModelSpec.LOSS_CONFIG, v);
  }

  @Option(names = "--optimizer", description = ModelSpec.OPTIMIZERS + " (default adam).")
  void optimizer(String v) {
    given.setProperty(ModelSpec.OPTIMIZER_CONFIG, v);
  }

  @Option(names = "--momentum", description = "mu of momentum and nesterov (default 0.9).")
  void momentum(String v) {
    given.setProperty(ModelSpec.MOMENTUM_CONFIG, v);
  }

  @Option(names = "--lr", description = "Learning rate (default 0.001).")
  void lr(String v) {
    given.setProperty(ModelSpec.LR_CONFIG, v);
  }

  @Option(names = "--lr-schedule", description = ModelSpec.SCHEDULES + " (default constant).")
  void lrSchedule(String v) {
    given.setProperty(ModelSpec.LR_SCHEDULE_CONFIG, v);
  }

  @Option(names = "--lr-decay", description = "Factor of step decay and plateau (default 0.5).")
  void lrDecay(String v) {
    given.setProperty(ModelSpec.LR_DECAY_CONFIG, v);
  }

  @Option(names = "--lr-step", description = "Updates between step decays (default 1000).")
  void lrStep(String v) {
    given.setProperty(ModelSpec.LR_STEP_CONFIG, v);
  }

  @Option(names = "--lr-rate", description = "k of exponential / inverse-time decay (1e-4).")
  void lrRate(String v) {
    given.setProperty(ModelSpec.LR_RATE_CONFIG, v);
  }

  @Option(names = "--lr-patience", description = "Plateau patience in validations (default 5).")
  void lrPatience(String v) {
    given.setProperty(ModelSpec.LR_PATIENCE_CONFIG, v);
  }

  @Option(names = "--l2", description = "L2 penalty strength (default 0).")
  void l2(String v) {
    given.setProperty(ModelSpec.L2_CONFIG, v);
  }

  @Option(names = "--l1", description = "L1 penalty strength (default 0).")
  void l1(String v) {
    given.setProperty(ModelSpec.L1_CONFIG, v);
  }

  @Option(names = "--max-norm", description = "Max norm of a unit's weights, 0 = off (default).")
  void maxNorm(String v) {
    given.setProperty(ModelSpec.MAX_NORM_CONFIG, v);
  }

  @Option(
      names = "--dropout",
      paramLabel = "P",
      description = "Probability of dropping a hidden unit (default 0).")
  void dropout(String v) {
    given.setProperty(ModelSpec.DROPOUT_CONFIG, v);
  }

  @Option(names = "--batch-norm", description = "Batch normalization in hidden layers.")
  void batchNorm(boolean v) {
    given.setProperty(ModelSpec.BATCH_NORM_CONFIG, Boolean.toString(v));
  }

  @Option(names = "--batch-size", description = "Samples per mini-batch (default 32).")
  void batchSize(String v) {
    given.setProperty(ModelSpec.BATCH_SIZE_CONFIG, v);
  }

  @Option(names = "--seed", description = "Seed of all randomness (default 42).")
  void seed(String v) {
    given.setProperty(ModelSpec.SEED_CONFIG, v);
  }

  /**
   * The spec: defaults, then the config file, then the command-line options.
   *
   * @throws IllegalArgumentException naming the bad key or the unreadable file
   */
  public ModelSpec spec() {
    ModelSpec spec = ModelSpec.defaults();
    if (config != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(config)) {
        file.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config " + config + ": " + e, e);
      }
      spec = spec.with(file);
    }
    return spec.with(given);
  }
}
