package io.kafkamlp.nn.check;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.Models;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * The sanity checks of the CS231n notes, run on the float training path before trusting a model on
 * real data:
 *
 * <ol>
 *   <li>with regularization off, the initial softmax loss is close to {@code ln(C)} (every class
 *       equally likely); other losses have no closed form and report their value only;
 *   <li>the loss rises with regularization strength (the penalty is really added);
 *   <li>a tiny subset (20 samples, random labels) is overfitted to 100% training accuracy with
 *       regularization and dropout off (for regression: the loss falls below 1% of its start).
 * </ol>
 */
public final class SanityCheck {

  /** Samples in the tiny overfitting subset. */
  public static final int TINY_SUBSET = 20;

  /** Largest allowed {@code |loss - ln C| / ln C} for the initial softmax loss. */
  public static final double INITIAL_LOSS_TOLERANCE = 0.10;

  /** The update budget for overfitting the tiny subset. */
  public static final int MAX_OVERFIT_STEPS = 2000;

  /** One check's outcome, with the numbers behind it. */
  public record Check(String name, boolean passed, String detail) {}

  private SanityCheck() {}

  /** Runs the three checks on the model {@code spec} describes; data is random, seeded. */
  public static List<Check> run(ModelSpec spec) {
    List<Check> checks = new ArrayList<>();
    checks.add(initialLoss(spec));
    checks.add(lossRisesWithRegularization(spec));
    checks.add(overfitTinySubset(spec));
    return checks;
  }

  static Check initialLoss(ModelSpec spec) {
    ModelSpec plain = unregularized(spec);
    Batch batch = Batch.random(plain, 200, spec.seed());
    double loss = Models.create(plain).loss(batch.x, batch.targets);
    if (!plain.loss().equals("softmax")) {
      return new Check(
          "initial loss",
          true,
          String.format(
              "%.4f (%s loss: no closed-form expectation, reported only)", loss, plain.loss()));
    }
    double expected = Math.log(plain.outputs());
    double relative = Math.abs(loss - expected) / expected;
    return new Check(
        "initial loss",
        relative <= INITIAL_LOSS_TOLERANCE,
        String.format(
            "%.4f, expected ln(%d) = %.4f (off by %.1f%%, allowed %.0f%%)",
            loss, plain.outputs(), expected, 100 * relative, 100 * INITIAL_LOSS_TOLERANCE));
  }

  static Check lossRisesWithRegularization(ModelSpec spec) {
    String key = spec.l1() > 0 && spec.l2() == 0 ? ModelSpec.L1_CONFIG : ModelSpec.L2_CONFIG;
    ModelSpec plain = unregularized(spec);
    Batch batch = Batch.random(plain, 200, spec.seed());
    double[] strengths = {0, 1e-3, 1e-2, 1e-1, 1};
    StringBuilder detail = new StringBuilder(key + " ");
    boolean rising = true;
    double previous = Double.NEGATIVE_INFINITY;
    for (double strength : strengths) {
      double loss =
          Models.create(plain.with(key, Double.toString(strength))).loss(batch.x, batch.targets);
      detail.append(String.format("%g: %.4f  ", strength, loss));
      rising &= loss > previous;
      previous = loss;
    }
    return new Check("loss rises with regularization", rising, detail.toString().trim());
  }

  static Check overfitTinySubset(ModelSpec spec) {
    ModelSpec plain = unregularized(spec).withDropout(0).withBatchSize(TINY_SUBSET);
    Model model = Models.create(plain);
    Batch batch = Batch.random(plain, TINY_SUBSET, spec.seed() + 1);
    boolean classifier = model.lossFunction().isClassifier();
    double first = model.loss(batch.x, batch.targets);
    double loss = first;
    int steps = 0;
    while (steps < MAX_OVERFIT_STEPS && !overfitted(model, batch, classifier, loss, first)) {
      loss = model.trainStep(batch.x, batch.targets);
      steps++;
    }
    boolean done = overfitted(model, batch, classifier, loss, first);
    String detail =
        classifier
            ? String.format(
                "training accuracy %d/%d after %d updates, loss %.4f -> %.4f",
                model.countCorrect(batch.x, batch.targets), TINY_SUBSET, steps, first, loss)
            : String.format(
                "loss %.4f -> %.4f after %d updates (target < 1%% of start)", first, loss, steps);
    return new Check("overfit " + TINY_SUBSET + " samples", done, detail);
  }

  private static boolean overfitted(
      Model model, Batch batch, boolean classifier, double loss, double first) {
    if (classifier) {
      return model.countCorrect(batch.x, batch.targets) == batch.x.numRows;
    }
    return loss < 0.01 * first;
  }

  private static ModelSpec unregularized(ModelSpec spec) {
    return spec.with(ModelSpec.L2_CONFIG, "0").with(ModelSpec.L1_CONFIG, "0");
  }

  /** Standard-normal features (as normalized inputs are) and uniformly random targets. */
  private record Batch(FMatrixRMaj x, FMatrixRMaj targets) {

    static Batch random(ModelSpec spec, int n, long seed) {
      Rng rng = new Rng(seed);
      FMatrixRMaj x = new FMatrixRMaj(n, spec.inputs());
      for (int i = 0; i < x.data.length; i++) {
        x.data[i] = (float) rng.nextGaussian();
      }
      boolean single = spec.loss().equals("softmax") || spec.loss().equals("svm");
      FMatrixRMaj t = new FMatrixRMaj(n, single ? 1 : spec.outputs());
      for (int i = 0; i < t.data.length; i++) {
        t.data[i] =
            switch (spec.loss()) {
              case "softmax", "svm" -> rng.nextInt(spec.outputs());
              case "multilabel" -> rng.nextInt(2);
              default -> (float) rng.nextGaussian();
            };
      }
      return new Batch(x, t);
    }
  }
}
