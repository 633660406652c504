package io.kafkamlp.nn;

import io.kafkamlp.nn.kernel.MatrixKernels;
import io.kafkamlp.nn.loss.Loss;
import io.kafkamlp.nn.optim.OptimizerState;
import io.kafkamlp.nn.regularize.MaxNorm;
import io.kafkamlp.nn.regularize.Penalty;
import io.kafkamlp.nn.schedule.LearningRateSchedule;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * A network with everything needed to train it: loss, penalties, constraint, one optimizer state
 * per parameter, learning-rate schedule, random generator and step counter. Created by {@link
 * Models#create}; saved and restored bit for bit by {@link ModelCodec}.
 *
 * <p>Divergence is undone, not only survived. A batch diverges when
 *
 * <ul>
 *   <li>its loss, gradients or update are not finite (it is then skipped: nothing changes),
 *   <li>its loss exceeds {@link #DIVERGED_LOSS_FACTOR} times the first batch's loss (parameters so
 *       large that the network only saturates), or
 *   <li>a ReLU layer was silent on it: every unit 0 for every row, after which no gradient reaches
 *       the layers below and the network cannot learn again ({@link Mlp#hasSilentLayer()}).
 * </ul>
 *
 * <p>After {@link ModelSpec#rollbackAfter()} diverging batches in a row the model goes back to its
 * last good state and continues with the learning rate scaled by {@link #BACKOFF}. The last good
 * state is saved every {@link #GOOD_EVERY_STEPS} updates, from a batch whose forward pass was
 * finite, left no layer silent, and had a loss of at most {@link #EXPLODED_LOSS_FACTOR} times the
 * first batch's loss (the notes' test for a run that exploded). Rising losses alone, as when a
 * stream's labels drift, do not count. The step counter, which versions the model, never goes back.
 *
 * <p>Not thread-safe. A given sequence of {@link #trainStep} calls from a given spec always ends
 * with the same bits.
 */
public final class Model {

  private final ModelSpec spec;
  private final Mlp network;
  private final Loss loss;
  private final List<Penalty> penalties;
  private final MaxNorm maxNorm;
  private final List<OptimizerState> states;
  private final LearningRateSchedule schedule;
  private final Rng rng;
  private final FMatrixRMaj scoreGradient = new FMatrixRMaj(1, 1);
  private final FMatrixRMaj evaluationGradient = new FMatrixRMaj(1, 1);
  private FMatrixRMaj lastScores;
  private FMatrixRMaj lastTargets;
  private long step;
  private long skippedSteps;
  private double lastGradientMaxAbs;

  /** Updates between two saves of the last good state. */
  public static final int GOOD_EVERY_STEPS = 100;

  /** A state whose batch loss exceeds this many times the first batch's loss is not saved. */
  public static final double EXPLODED_LOSS_FACTOR = 3;

  /**
   * A batch whose loss exceeds this many times the first batch's loss diverges. Two orders of
   * magnitude: far beyond what a classifier's confident mistakes cost after its labels drift, which
   * must not look like divergence.
   */
  public static final double DIVERGED_LOSS_FACTOR = 100;

  /** The factor a rollback applies to the learning rate. */
  public static final double BACKOFF = 0.1;

  private final LastGood lastGood;
  private double learningRateScale = 1;
  private double firstLoss = Double.NaN;
  private long rollbacks;
  private int divergingInARow;

  /**
   * Below this magnitude a float update cannot overflow, with room for rounding: while the bounds
   * of every value, state element and intermediate product stay under it, a step skips the exact
   * finiteness pass over the parameters.
   */
  private static final double SAFE_MAGNITUDE = 1e36;

  // Upper bounds of |value| and |optimizer state| per parameter, NaN while unknown (a new or
  // decoded model): transient, they only decide whether the exact check runs, never its answer.
  private final double[] valueBounds;
  private final double[] stateBounds;
  private final double[] nextValueBounds;
  private final double[] nextStateBounds;
  private final double[] boundScratch = new double[4];
  private boolean boundsExact;
  private Inspector inspector;
  private Inspection lastInspection;

  Model(
      ModelSpec spec,
      Mlp network,
      Loss loss,
      List<Penalty> penalties,
      MaxNorm maxNorm,
      List<OptimizerState> states,
      LearningRateSchedule schedule,
      Rng rng) {
    this.spec = spec;
    this.network = network;
    this.loss = loss;
    this.penalties = List.copyOf(penalties);
    this.maxNorm = maxNorm;
    this.states = List.copyOf(states);
    this.schedule = schedule;
    this.rng = rng;
    int n = network.parameters().size();
    this.valueBounds = new double[n];
    this.stateBounds = new double[n];
    this.nextValueBounds = new double[n];
    this.nextStateBounds = new double[n];
    Arrays.fill(valueBounds, Double.NaN);
    Arrays.fill(stateBounds, Double.NaN);
    this.lastGood = new LastGood(tensors(true));
  }

  /**
   * One mini-batch update: forward, loss and gradient, backward, optimizer step, constraint.
   *
   * <p>A batch whose loss or gradients are not finite, or whose update would make a parameter, an
   * optimizer state or a batch-norm running statistic non-finite, is not applied: all of them stay
   * as they were, {@link #skippedSteps()} grows and NaN is returned. The batch that makes {@link
   * ModelSpec#rollbackAfter()} diverging batches in a row also rolls the model back (see the class
   * comment).
   *
   * @param x (n x inputs) not modified
   * @param targets (n x loss.targetWidth) not modified
   * @return the batch's mean loss including penalties, before the update; NaN when skipped
   */
  public double trainStep(FMatrixRMaj x, FMatrixRMaj targets) {
    return trainStep(x, targets, false);
  }

  /**
   * {@link #trainStep(FMatrixRMaj, FMatrixRMaj)}, and when {@code inspect} is true also an {@link
   * Inspection} of the step, then available from {@link #lastInspection()} (it copies the weights
   * and allocates: take one every few batches).
   */
  public double trainStep(FMatrixRMaj x, FMatrixRMaj targets, boolean inspect) {
    double value = computeGradients(x, targets);
    float learningRate = (float) learningRate();
    List<Parameter> parameters = network.parameters();
    boolean finite = Double.isFinite(value) && Double.isFinite(lastGradientMaxAbs);
    boolean silent = network.hasSilentLayer();
    if (finite && !silent) {
      saveIfGood(value);
    }
    if (!finite || !updateIsFinite(parameters, learningRate, step + 1)) {
      skippedSteps++;
      countDivergence(true);
      return Double.NaN;
    }
    if (inspect) {
      if (inspector == null) {
        inspector = new Inspector(network);
      }
      inspector.beforeUpdate();
    }
    step++;
    for (int i = 0; i < parameters.size(); i++) {
      states.get(i).update(parameters.get(i), learningRate, step);
    }
    if (maxNorm != null) {
      for (int i = 0; i < parameters.size(); i++) {
        if (parameters.get(i).regularized()) {
          maxNorm.apply(parameters.get(i));
        }
      }
    }
    network.commit();
    updateBounds(parameters);
    if (inspect) {
      lastInspection = inspector.afterUpdate(value, penalty(), learningRate);
    }
    countDivergence(silent || (firstLoss > 0 && value > DIVERGED_LOSS_FACTOR * firstLoss));
    return value;
  }

  /**
   * Saves the current state, which this batch's finite forward pass with no silent layer just
   * vouched for, when a save is due and the loss has not exploded.
   */
  private void saveIfGood(double loss) {
    if (Double.isNaN(firstLoss)) {
      firstLoss = loss;
    }
    boolean due = lastGood.isEmpty() || step >= lastGood.step() + GOOD_EVERY_STEPS;
    boolean sane = firstLoss <= 0 || loss <= EXPLODED_LOSS_FACTOR * firstLoss;
    if (due && sane) {
      lastGood.save(step);
    }
  }

  /**
   * Counts a diverging batch, or ends a run of them; rolls back when the run is long enough (never
   * when rollbacks are off: then nothing is counted).
   */
  private void countDivergence(boolean diverging) {
    if (!diverging || spec.rollbackAfter() == 0) {
      divergingInARow = 0;
    } else if (++divergingInARow == spec.rollbackAfter()) {
      rollBack();
    }
  }

  /** Back to the last good state, if any, with the learning rate scaled down. */
  private void rollBack() {
    divergingInARow = 0;
    rollbacks++;
    learningRateScale *= BACKOFF;
    if (!lastGood.isEmpty()) {
      lastGood.restore();
      Arrays.fill(valueBounds, Double.NaN);
      Arrays.fill(stateBounds, Double.NaN);
    }
  }

  /**
   * Whether the update about to be applied would leave every parameter, optimizer state and
   * batch-norm running statistic finite (an overflow in {@code lr * dx}, in Adam's {@code dx * dx}
   * or in a running variance, which a finite loss and gradient do not rule out).
   */
  private boolean updateIsFinite(List<Parameter> parameters, float learningRate, long nextStep) {
    if (!network.commitIsFinite()) {
      return false;
    }
    boolean farFromOverflow = true;
    for (int i = 0; i < parameters.size(); i++) {
      double[] b = boundScratch;
      b[0] = valueBounds[i];
      b[1] = stateBounds[i];
      b[2] = lastGradientMaxAbs;
      states.get(i).boundUpdate(b, learningRate, nextStep);
      nextValueBounds[i] = b[0];
      nextStateBounds[i] = b[1];
      // NaN (bounds not known yet) fails the test
      farFromOverflow &= b[0] < SAFE_MAGNITUDE && b[1] < SAFE_MAGNITUDE && b[3] < SAFE_MAGNITUDE;
    }
    boundsExact = !farFromOverflow;
    if (farFromOverflow) {
      return true;
    }
    for (int i = 0; i < parameters.size(); i++) {
      if (!states.get(i).updateIsFinite(parameters.get(i), learningRate, nextStep)) {
        return false;
      }
    }
    return true;
  }

  /**
   * After an update: the bounds {@link #updateIsFinite} computed, or exact ones when it could not.
   */
  private void updateBounds(List<Parameter> parameters) {
    for (int i = 0; i < parameters.size(); i++) {
      if (boundsExact) {
        valueBounds[i] = maxAbs(parameters.get(i).value());
        double s = 0;
        List<FMatrixRMaj> buffers = states.get(i).buffers();
        for (int k = 0; k < buffers.size(); k++) {
          s = Math.max(s, maxAbs(buffers.get(k)));
        }
        stateBounds[i] = s;
      } else {
        valueBounds[i] = nextValueBounds[i];
        stateBounds[i] = nextStateBounds[i];
      }
    }
  }

  /** The inspection of the last step that asked for one; null before any. */
  public Inspection lastInspection() {
    return lastInspection;
  }

  /**
   * Forward in training mode, loss, backward and penalty gradients: every parameter's gradient is
   * written and nothing else changes but the dropout generator, which advances.
   *
   * @return the mean data loss plus the penalties
   */
  public double computeGradients(FMatrixRMaj x, FMatrixRMaj targets) {
    double value = forwardLoss(x, targets);
    network.backward(scoreGradient);
    double maxAbs = 0;
    List<Parameter> parameters = network.parameters();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      if (p.regularized()) {
        for (int k = 0; k < penalties.size(); k++) {
          penalties.get(k).addGradient(p);
        }
      }
      maxAbs = Math.max(maxAbs, maxAbs(p.gradient()));
    }
    lastGradientMaxAbs = maxAbs;
    return value;
  }

  /** The training-mode loss (data loss plus penalties) without computing parameter gradients. */
  public double loss(FMatrixRMaj x, FMatrixRMaj targets) {
    return forwardLoss(x, targets);
  }

  private double forwardLoss(FMatrixRMaj x, FMatrixRMaj targets) {
    checkInput(x, targets);
    lastScores = network.forward(x, true);
    lastTargets = targets;
    scoreGradient.reshape(lastScores.numRows, lastScores.numCols);
    return loss.lossAndGradient(lastScores, targets, scoreGradient) + penalty();
  }

  /** The sum of the penalties over the regularized parameters. */
  public double penalty() {
    double sum = 0;
    List<Parameter> parameters = network.parameters();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      if (p.regularized()) {
        for (int k = 0; k < penalties.size(); k++) {
          sum += penalties.get(k).value(p);
        }
      }
    }
    return sum;
  }

  /**
   * Inference: running batch-norm statistics, no dropout.
   *
   * @param x (n x inputs) not modified
   * @param output (n x outputs) modified: probabilities, scores or values as {@link Loss#output}
   */
  public void predict(FMatrixRMaj x, FMatrixRMaj output) {
    loss.output(network.forward(x, false), output);
  }

  /**
   * Inference on labeled data: the mean data loss (without penalties) and, for classification
   * losses, the rows classified right, from one forward with running batch-norm statistics and no
   * dropout. Parameters and gradients are untouched.
   *
   * @param x (n x inputs) not modified
   * @param targets (n x targetWidth) not modified
   * @param result modified: its loss and correct count (0 for regression) are set
   */
  public void evaluate(FMatrixRMaj x, FMatrixRMaj targets, Evaluation result) {
    checkInput(x, targets);
    FMatrixRMaj scores = network.forward(x, false);
    evaluationGradient.reshape(scores.numRows, scores.numCols);
    result.loss = loss.lossAndGradient(scores, targets, evaluationGradient);
    result.correct = loss.isClassifier() ? loss.countCorrect(scores, targets) : 0;
  }

  /** The outcome of {@link #evaluate}; reusable, so evaluation allocates nothing. */
  public static final class Evaluation {
    private double loss;
    private int correct;

    /** Mean data loss over the rows. */
    public double loss() {
      return loss;
    }

    /** Rows classified right. */
    public int correct() {
      return correct;
    }
  }

  /** Rows of {@code x} that inference classifies right; classification losses only. */
  public int countCorrect(FMatrixRMaj x, FMatrixRMaj targets) {
    checkInput(x, targets);
    return loss.countCorrect(network.forward(x, false), targets);
  }

  /**
   * Rows the last training-mode forward (of {@link #trainStep} or {@link #computeGradients})
   * classified right, judged from the scores it computed before the update: a prediction made
   * before learning, for free. Without dropout and batch normalization these scores are exactly the
   * inference scores; with them they are the training-mode ones.
   */
  public int countCorrectOfLastForward() {
    return loss.countCorrect(lastScores, lastTargets);
  }

  /** The discrete choices made by the last training-mode forward and loss (see Layer#kinks). */
  public long kinks() {
    long h = network.kinks(17);
    h = loss.kinks(lastScores, lastTargets, h);
    for (Parameter p : network.parameters()) {
      if (p.regularized()) {
        for (Penalty penalty : penalties) {
          h = penalty.kinks(p, h);
        }
      }
    }
    return h;
  }

  private void checkInput(FMatrixRMaj x, FMatrixRMaj targets) {
    if (x.numCols != network.inputWidth()
        || targets.numRows != x.numRows
        || targets.numCols != loss.targetWidth(network.outputWidth())) {
      throw new IllegalArgumentException(
          "batch "
              + x.numRows
              + "x"
              + x.numCols
              + " with targets "
              + targets.numRows
              + "x"
              + targets.numCols
              + " does not fit a model with "
              + network.inputWidth()
              + " inputs and targets of width "
              + loss.targetWidth(network.outputWidth()));
    }
  }

  private static double maxAbs(FMatrixRMaj m) {
    return MatrixKernels.maxAbs(m);
  }

  public ModelSpec spec() {
    return spec;
  }

  public Mlp network() {
    return network;
  }

  public Loss lossFunction() {
    return loss;
  }

  /** One optimizer state per parameter, in the order of {@link Mlp#parameters()}. */
  public List<OptimizerState> optimizerStates() {
    return states;
  }

  public LearningRateSchedule schedule() {
    return schedule;
  }

  /** The generator of dropout masks; its state is part of the model's state. */
  public Rng rng() {
    return rng;
  }

  /** Number of updates applied. */
  public long step() {
    return step;
  }

  /**
   * Number of batches rejected because their loss, gradients or update were not finite (see {@link
   * #trainStep}).
   */
  public long skippedSteps() {
    return skippedSteps;
  }

  /** The learning rate the next update will use: the schedule's, scaled down by any rollbacks. */
  public double learningRate() {
    return schedule.at(step) * learningRateScale;
  }

  /** Times the model went back to its last good state (see the class comment). */
  public long rollbacks() {
    return rollbacks;
  }

  /**
   * The factor rollbacks have applied to the schedule's learning rate: {@code BACKOFF^rollbacks}.
   */
  public double learningRateScale() {
    return learningRateScale;
  }

  /** The step of the last good state; -1 before one is saved. */
  public long lastGoodStep() {
    return lastGood.step();
  }

  /**
   * The model's tensors in the codec's order: parameters, then (with {@code withTrainingState})
   * every optimizer state buffer parameter by parameter, then the layers' running statistics.
   */
  List<FMatrixRMaj> tensors(boolean withTrainingState) {
    List<FMatrixRMaj> tensors = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      tensors.add(p.value());
    }
    if (withTrainingState) {
      for (OptimizerState state : states) {
        tensors.addAll(state.buffers());
      }
    }
    tensors.addAll(network.buffers());
    return tensors;
  }

  LastGood lastGood() {
    return lastGood;
  }

  double firstLoss() {
    return firstLoss;
  }

  int divergingInARow() {
    return divergingInARow;
  }

  void restoreRecovery(
      double restoredScale, double restoredFirstLoss, long restoredRollbacks, int restoredInARow) {
    this.learningRateScale = restoredScale;
    this.firstLoss = restoredFirstLoss;
    this.rollbacks = restoredRollbacks;
    this.divergingInARow = restoredInARow;
  }

  /** The largest absolute gradient element of the last {@link #computeGradients}. */
  public double lastGradientMaxAbs() {
    return lastGradientMaxAbs;
  }

  void restoreCounters(long restoredStep, long restoredSkippedSteps) {
    this.step = restoredStep;
    this.skippedSteps = restoredSkippedSteps;
  }
}
