package io.kafkamlp.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a model is: its architecture and every hyperparameter of its training, immutable.
 *
 * <p>The same keys name it everywhere: as command-line options ({@code --layers 784,256,128,10})
 * and in a properties file ({@code layers=784,256,128,10}). The {@code X_CONFIG} constants are the
 * keys; {@link #DOCS} describes each. Unknown keys and invalid values are rejected with a message
 * naming the key.
 *
 * @param layers sizes from input to output, at least two; hidden layers are the ones between
 * @param activation of the hidden layers: relu, leaky-relu, tanh, sigmoid, maxout, identity
 * @param leakySlope negative-side slope of leaky-relu
 * @param maxoutPieces linear pieces per maxout unit
 * @param loss softmax, svm, multilabel, l2 or l1
 * @param optimizer sgd, momentum, nesterov, adagrad, rmsprop or adam
 * @param momentum mu of momentum and nesterov
 * @param learningRate the base learning rate
 * @param lrSchedule constant, step, exponential, inverse-time or plateau
 * @param lrDecay the factor of a step-decay or plateau reduction
 * @param lrStep updates between two step decays
 * @param lrRate k of exponential ({@code lr e^-kt}) and inverse-time ({@code lr / (1 + kt)}) decay
 * @param lrPatience validation observations without improvement before a plateau reduction
 * @param l2 L2 penalty strength lambda ({@code 0.5 lambda w^2})
 * @param l1 L1 penalty strength
 * @param maxNorm bound on each unit's incoming weight norm; 0 for none
 * @param dropout probability of dropping a hidden unit in training
 * @param batchNorm batch normalization before each hidden activation
 * @param batchSize samples per mini-batch
 * @param seed seed of every random choice (initialization, dropout)
 * @param rollbackAfter diverging batches in a row (non-finite, with a loss 100 times the first
 *     batch's, or with a silent ReLU layer) after which the model goes back to its last good state
 *     with a tenth of its learning rate; 0 never does
 */
public record ModelSpec(
    List<Integer> layers,
    String activation,
    double leakySlope,
    int maxoutPieces,
    String loss,
    String optimizer,
    double momentum,
    double learningRate,
    String lrSchedule,
    double lrDecay,
    long lrStep,
    double lrRate,
    int lrPatience,
    double l2,
    double l1,
    double maxNorm,
    double dropout,
    boolean batchNorm,
    int batchSize,
    long seed,
    int rollbackAfter) {

  public static final String LAYERS_CONFIG = "layers";
  public static final String ACTIVATION_CONFIG = "activation";
  public static final String LEAKY_SLOPE_CONFIG = "leaky-slope";
  public static final String MAXOUT_PIECES_CONFIG = "maxout-pieces";
  public static final String LOSS_CONFIG = "loss";
  public static final String OPTIMIZER_CONFIG = "optimizer";
  public static final String MOMENTUM_CONFIG = "momentum";
  public static final String LR_CONFIG = "lr";
  public static final String LR_SCHEDULE_CONFIG = "lr-schedule";
  public static final String LR_DECAY_CONFIG = "lr-decay";
  public static final String LR_STEP_CONFIG = "lr-step";
  public static final String LR_RATE_CONFIG = "lr-rate";
  public static final String LR_PATIENCE_CONFIG = "lr-patience";
  public static final String L2_CONFIG = "l2";
  public static final String L1_CONFIG = "l1";
  public static final String MAX_NORM_CONFIG = "max-norm";
  public static final String DROPOUT_CONFIG = "dropout";
  public static final String BATCH_NORM_CONFIG = "batch-norm";
  public static final String BATCH_SIZE_CONFIG = "batch-size";
  public static final String SEED_CONFIG = "seed";
  public static final String ROLLBACK_AFTER_CONFIG = "rollback-after";

  public static final String ACTIVATIONS = "relu|leaky-relu|tanh|sigmoid|maxout|identity";
  public static final String LOSSES = "softmax|svm|multilabel|l2|l1";
  public static final String OPTIMIZERS = "sgd|momentum|nesterov|adagrad|rmsprop|adam";
  public static final String SCHEDULES = "constant|step|exponential|inverse-time|plateau";

  public static final String LAYERS_DOC = "layer sizes from input to output, e.g. 784,256,128,10";
  public static final String ACTIVATION_DOC = "hidden activation: " + ACTIVATIONS;
  public static final String LEAKY_SLOPE_DOC = "negative-side slope of leaky-relu, in [0, 1)";
  public static final String MAXOUT_PIECES_DOC = "linear pieces per maxout unit, >= 2";
  public static final String LOSS_DOC = "loss: " + LOSSES;
  public static final String OPTIMIZER_DOC = "update rule: " + OPTIMIZERS;
  public static final String MOMENTUM_DOC = "mu of momentum and nesterov, in [0, 1)";
  public static final String LR_DOC = "base learning rate, > 0";
  public static final String LR_SCHEDULE_DOC = "learning-rate schedule: " + SCHEDULES;
  public static final String LR_DECAY_DOC =
      "factor applied by step decay and by a plateau reduction, (0, 1]";
  public static final String LR_STEP_DOC = "updates between two step decays";
  public static final String LR_RATE_DOC =
      "k of exponential (lr*e^-kt) and inverse-time (lr/(1+kt)) decay";
  public static final String LR_PATIENCE_DOC =
      "validation checks without improvement before plateau decay";
  public static final String L2_DOC = "L2 penalty strength lambda (0.5*lambda*w^2), >= 0";
  public static final String L1_DOC = "L1 penalty strength (lambda*|w|), >= 0";
  public static final String MAX_NORM_DOC = "max L2 norm of each unit's incoming weights, 0 = off";
  public static final String DROPOUT_DOC =
      "probability of dropping a hidden unit in training, [0, 1)";
  public static final String BATCH_NORM_DOC =
      "batch normalization before each hidden activation: true|false";
  public static final String BATCH_SIZE_DOC = "samples per mini-batch, >= 1";
  public static final String SEED_DOC = "seed of initialization and dropout";
  public static final String ROLLBACK_AFTER_DOC =
      "diverging batches in a row (non-finite, a loss 100x the first batch's, or a silent ReLU"
          + " layer) that send the model back to its last good state with a tenth of the learning"
          + " rate, >= 0 (0 = never)";

  /** Each key with its description, in the order they are listed to users. */
  public static final Map<String, String> DOCS = docs();

  public ModelSpec {
    layers = List.copyOf(layers);
    check(
        layers.size() >= 2 && layers.stream().allMatch(s -> s > 0),
        LAYERS_CONFIG,
        "needs at least an input and an output size, all positive: " + layers);
    check(oneOf(activation, ACTIVATIONS), ACTIVATION_CONFIG, "'" + activation + "'");
    check(leakySlope >= 0 && leakySlope < 1, LEAKY_SLOPE_CONFIG, "must be in [0, 1)");
    check(maxoutPieces >= 2, MAXOUT_PIECES_CONFIG, "must be at least 2");
    check(oneOf(loss, LOSSES), LOSS_CONFIG, "'" + loss + "'");
    check(
        !(loss.equals("softmax") || loss.equals("svm")) || layers.get(layers.size() - 1) >= 2,
        LAYERS_CONFIG,
        "a " + loss + " classifier needs at least 2 outputs");
    check(oneOf(optimizer, OPTIMIZERS), OPTIMIZER_CONFIG, "'" + optimizer + "'");
    check(momentum >= 0 && momentum < 1, MOMENTUM_CONFIG, "must be in [0, 1)");
    check(learningRate > 0 && Double.isFinite(learningRate), LR_CONFIG, "must be > 0");
    check(oneOf(lrSchedule, SCHEDULES), LR_SCHEDULE_CONFIG, "'" + lrSchedule + "'");
    check(lrDecay > 0 && lrDecay <= 1, LR_DECAY_CONFIG, "must be in (0, 1]");
    check(lrStep > 0, LR_STEP_CONFIG, "must be > 0");
    check(lrRate >= 0 && Double.isFinite(lrRate), LR_RATE_CONFIG, "must be >= 0");
    check(lrPatience >= 1, LR_PATIENCE_CONFIG, "must be >= 1");
    check(l2 >= 0 && Double.isFinite(l2), L2_CONFIG, "must be >= 0");
    check(l1 >= 0 && Double.isFinite(l1), L1_CONFIG, "must be >= 0");
    check(maxNorm >= 0 && Double.isFinite(maxNorm), MAX_NORM_CONFIG, "must be >= 0 (0: off)");
    check(dropout >= 0 && dropout < 1, DROPOUT_CONFIG, "must be in [0, 1)");
    check(batchSize >= 1, BATCH_SIZE_CONFIG, "must be >= 1");
    check(rollbackAfter >= 0, ROLLBACK_AFTER_CONFIG, "must be >= 0 (0: never)");
  }

  /**
   * 784,256,128,10 ReLU, softmax, Adam 1e-3 constant, batch 32, no regularization, seed 42, roll
   * back after 3 diverging batches in a row.
   */
  public static ModelSpec defaults() {
    return new ModelSpec(
        List.of(784, 256, 128, 10),
        "relu",
        0.01,
        2,
        "softmax",
        "adam",
        0.9,
        1e-3,
        "plateau",
        0.5,
        1000,
        1e-4,
        5,
        0,
        0,
        0,
        0,
        false,
        32,
        42,
        3);
  }

  /** Number of input features. */
  public int inputs() {
    return layers.get(0);
  }

  /** Number of network outputs (classes, labels or regression targets). */
  public int outputs() {
    return layers.get(layers.size() - 1);
  }

  /**
   * The defaults overridden by the given keys.
   *
   * @throws IllegalArgumentException for an unknown key or an invalid value, naming the key
   */
  public static ModelSpec fromProperties(Properties properties) {
    return defaults().with(properties);
  }

  /** This spec with the given keys overridden. */
  public ModelSpec with(Properties properties) {
    Map<String, String> values = new LinkedHashMap<>(toMap());
    for (String key : properties.stringPropertyNames()) {
      if (!DOCS.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown model key '" + key + "', expected one of " + DOCS.keySet());
      }
      values.put(key, properties.getProperty(key).trim());
    }
    return fromMap(values);
  }

  /** All keys and values, as a properties file would hold them. */
  public Properties toProperties() {
    Properties properties = new Properties();
    properties.putAll(toMap());
    return properties;
  }

  /** One {@code key=value} line per key, sorted by key: a canonical text form. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(toMap()).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    return text.toString();
  }

  /** Parses {@link #toText()}. */
  public static ModelSpec fromText(String text) {
    Map<String, String> values = new LinkedHashMap<>(defaults().toMap());
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0 || !DOCS.containsKey(line.substring(0, eq))) {
        throw new IllegalArgumentException("bad model spec line '" + line + "'");
      }
      values.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return fromMap(values);
  }

  public ModelSpec withSeed(long newSeed) {
    return with(SEED_CONFIG, Long.toString(newSeed));
  }

  public ModelSpec withBatchSize(int newBatchSize) {
    return with(BATCH_SIZE_CONFIG, Integer.toString(newBatchSize));
  }

  public ModelSpec withDropout(double newDropout) {
    return with(DROPOUT_CONFIG, Double.toString(newDropout));
  }

  /** This spec with one key set to a value in its text form. */
  public ModelSpec with(String key, String value) {
    Properties properties = new Properties();
    properties.setProperty(key, value);
    return with(properties);
  }

  private Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    List<String> sizes = new ArrayList<>();
    layers.forEach(s -> sizes.add(Integer.toString(s)));
    m.put(LAYERS_CONFIG, String.join(",", sizes));
    m.put(ACTIVATION_CONFIG, activation);
    m.put(LEAKY_SLOPE_CONFIG, Double.toString(leakySlope));
    m.put(MAXOUT_PIECES_CONFIG, Integer.toString(maxoutPieces));
    m.put(LOSS_CONFIG, loss);
    m.put(OPTIMIZER_CONFIG, optimizer);
    m.put(MOMENTUM_CONFIG, Double.toString(momentum));
    m.put(LR_CONFIG, Double.toString(learningRate));
    m.put(LR_SCHEDULE_CONFIG, lrSchedule);
    m.put(LR_DECAY_CONFIG, Double.toString(lrDecay));
    m.put(LR_STEP_CONFIG, Long.toString(lrStep));
    m.put(LR_RATE_CONFIG, Double.toString(lrRate));
    m.put(LR_PATIENCE_CONFIG, Integer.toString(lrPatience));
    m.put(L2_CONFIG, Double.toString(l2));
    m.put(L1_CONFIG, Double.toString(l1));
    m.put(MAX_NORM_CONFIG, Double.toString(maxNorm));
    m.put(DROPOUT_CONFIG, Double.toString(dropout));
    m.put(BATCH_NORM_CONFIG, Boolean.toString(batchNorm));
    m.put(BATCH_SIZE_CONFIG, Integer.toString(batchSize));
    m.put(SEED_CONFIG, Long.toString(seed));
    m.put(ROLLBACK_AFTER_CONFIG, Integer.toString(rollbackAfter));
    return m;
  }

  private static ModelSpec fromMap(Map<String, String> m) {
    return new ModelSpec(
        parse(m, LAYERS_CONFIG, ModelSpec::parseLayers),
        m.get(ACTIVATION_CONFIG),
        parse(m, LEAKY_SLOPE_CONFIG, Double::parseDouble),
        parse(m, MAXOUT_PIECES_CONFIG, Integer::parseInt),
        m.get(LOSS_CONFIG),
        m.get(OPTIMIZER_CONFIG),
        parse(m, MOMENTUM_CONFIG, Double::parseDouble),
        parse(m, LR_CONFIG, Double::parseDouble),
        m.get(LR_SCHEDULE_CONFIG),
        parse(m, LR_DECAY_CONFIG, Double::parseDouble),
        parse(m, LR_STEP_CONFIG, Long::parseLong),
        parse(m, LR_RATE_CONFIG, Double::parseDouble),
        parse(m, LR_PATIENCE_CONFIG, Integer::parseInt),
        parse(m, L2_CONFIG, Double::parseDouble),
        parse(m, L1_CONFIG, Double::parseDouble),
        parse(m, MAX_NORM_CONFIG, Double::parseDouble),
        parse(m, DROPOUT_CONFIG, Double::parseDouble),
        parse(m, BATCH_NORM_CONFIG, ModelSpec::parseBoolean),
        parse(m, BATCH_SIZE_CONFIG, Integer::parseInt),
        parse(m, SEED_CONFIG, Long::parseLong),
        parse(m, ROLLBACK_AFTER_CONFIG, Integer::parseInt));
  }

  private static <T> T parse(Map<String, String> m, String key, Function<String, T> parser) {
    String text = m.get(key);
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid value '" + text + "' for model key '" + key + "': " + DOCS.get(key), e);
    }
  }

  private static List<Integer> parseLayers(String text) {
    List<Integer> sizes = new ArrayList<>();
    for (String part : text.split(",")) {
      sizes.add(Integer.parseInt(part.trim()));
    }
    return Collections.unmodifiableList(sizes);
  }

  private static boolean parseBoolean(String text) {
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException("expected true or false");
    }
    return Boolean.parseBoolean(text);
  }

  private static boolean oneOf(String value, String choices) {
    return value != null && Arrays.asList(choices.split("\\|")).contains(value);
  }

  private static void check(boolean ok, String key, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(
          "invalid model key '" + key + "': " + problem + " (" + DOCS.get(key) + ")");
    }
  }

  private static Map<String, String> docs() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(LAYERS_CONFIG, LAYERS_DOC);
    d.put(ACTIVATION_CONFIG, ACTIVATION_DOC);
    d.put(LEAKY_SLOPE_CONFIG, LEAKY_SLOPE_DOC);
    d.put(MAXOUT_PIECES_CONFIG, MAXOUT_PIECES_DOC);
    d.put(LOSS_CONFIG, LOSS_DOC);
    d.put(OPTIMIZER_CONFIG, OPTIMIZER_DOC);
    d.put(MOMENTUM_CONFIG, MOMENTUM_DOC);
    d.put(LR_CONFIG, LR_DOC);
    d.put(LR_SCHEDULE_CONFIG, LR_SCHEDULE_DOC);
    d.put(LR_DECAY_CONFIG, LR_DECAY_DOC);
    d.put(LR_STEP_CONFIG, LR_STEP_DOC);
    d.put(LR_RATE_CONFIG, LR_RATE_DOC);
    d.put(LR_PATIENCE_CONFIG, LR_PATIENCE_DOC);
    d.put(L2_CONFIG, L2_DOC);
    d.put(L1_CONFIG, L1_DOC);
    d.put(MAX_NORM_CONFIG, MAX_NORM_DOC);
    d.put(DROPOUT_CONFIG, DROPOUT_DOC);
    d.put(BATCH_NORM_CONFIG, BATCH_NORM_DOC);
    d.put(BATCH_SIZE_CONFIG, BATCH_SIZE_DOC);
    d.put(SEED_CONFIG, SEED_DOC);
    d.put(ROLLBACK_AFTER_CONFIG, ROLLBACK_AFTER_DOC);
    return Collections.unmodifiableMap(d);
  }
}
