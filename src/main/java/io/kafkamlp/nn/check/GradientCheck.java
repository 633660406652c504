package io.kafkamlp.nn.check;

import io.kafkamlp.nn64.Model;
import io.kafkamlp.nn64.Models;
import io.kafkamlp.nn64.Parameter;
import io.kafkamlp.nn64.Rng;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Compares the analytic gradient of every parameter tensor with a centred finite difference, {@code
 * (f(w + h) - f(w - h)) / 2h}, in double precision, on the double twin ({@code io.kafkamlp.nn64})
 * generated from the very source that trains in float.
 *
 * <p>Following the CS231n notes: relative error {@code |a - n| / max(|a|, |n|)}; dropout is turned
 * off (it is not deterministic between evaluations), unless {@link Settings#fixedDropoutMasks} asks
 * to check it too, replaying the same masks in every evaluation; the network first trains a few
 * steps so the check runs in a characteristic mode (momentum built up, max-norm projection active);
 * and a coordinate whose perturbation crosses a kink (a ReLU input or hinge margin changing sign, a
 * Maxout winner changing, an L1-penalized weight crossing zero) is skipped and counted, since its
 * finite difference is not a derivative.
 *
 * <p>A coordinate fails when its relative error exceeds the threshold and its absolute difference
 * exceeds {@link #ABSOLUTE_TOLERANCE}: where both gradients are smaller than the rounding noise of
 * the finite difference (about {@code eps * |f| / h}), their relative error means nothing. The
 * report gives the largest relative and absolute errors either way.
 */
public final class GradientCheck {

  /** Absolute differences below this are finite-difference noise, not error. */
  public static final double ABSOLUTE_TOLERANCE = 1e-9;

  /**
   * How one check is run.
   *
   * @param samples batch rows of random data
   * @param step the finite-difference step h
   * @param warmupSteps training steps before checking
   * @param maxPerTensor coordinates checked per tensor (sampled when the tensor is larger)
   * @param threshold largest passing relative error
   * @param seed of the data and of the coordinate sample
   * @param fixedDropoutMasks keep the spec's dropout and replay one set of masks in every
   *     evaluation, instead of turning dropout off
   */
  public record Settings(
      int samples,
      double step,
      int warmupSteps,
      int maxPerTensor,
      double threshold,
      long seed,
      boolean fixedDropoutMasks) {

    /** 4 samples, h = 1e-5, 3 warm-up steps, at most 200 per tensor, 1e-6, dropout off. */
    public static Settings defaults() {
      return new Settings(4, 1e-5, 3, 200, 1e-6, 7, false);
    }
  }

  /** The outcome for one parameter tensor. */
  public record TensorResult(
      String name,
      int size,
      int checked,
      int kinksSkipped,
      double maxRelativeError,
      double maxAbsoluteError,
      int failures) {}

  /** The outcome for a model. */
  public record Result(List<TensorResult> tensors, double threshold) {

    public double maxRelativeError() {
      return tensors.stream().mapToDouble(TensorResult::maxRelativeError).max().orElse(0);
    }

    /** True when no coordinate failed and at least one coordinate was checked. */
    public boolean passed() {
      return tensors.stream().mapToInt(TensorResult::failures).sum() == 0
          && tensors.stream().mapToInt(TensorResult::checked).sum() > 0;
    }
  }

  private GradientCheck() {}

  /** Checks the model {@code spec} describes on random data. */
  public static Result run(ModelSpec spec, Settings settings) {
    ModelSpec checked =
        (settings.fixedDropoutMasks() ? spec : spec.withDropout(0))
            .withBatchSize(settings.samples());
    Model model = Models.create(checked);
    Rng rng = new Rng(settings.seed());
    DMatrixRMaj x = new DMatrixRMaj(settings.samples(), checked.inputs());
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = rng.nextGaussian();
    }
    DMatrixRMaj targets = randomTargets(model, settings.samples(), rng);
    for (int s = 0; s < settings.warmupSteps(); s++) {
      model.trainStep(x, targets);
    }

    // Every evaluation restarts the dropout generator here, so all of them use the same masks.
    long masks = model.rng().state();
    model.computeGradients(x, targets);
    long kinks = model.kinks();
    List<TensorResult> results = new ArrayList<>();
    for (Parameter p : model.network().parameters()) {
      results.add(checkTensor(model, p, x, targets, kinks, masks, settings, rng));
    }
    return new Result(results, settings.threshold());
  }

  private static TensorResult checkTensor(
      Model model,
      Parameter p,
      DMatrixRMaj x,
      DMatrixRMaj targets,
      long kinks,
      long masks,
      Settings settings,
      Rng rng) {
    double[] w = p.value().data;
    double[] analytic = p.gradient().data.clone();
    double h = settings.step();
    int size = p.size();
    int count = Math.min(size, settings.maxPerTensor());
    int checked = 0;
    int skipped = 0;
    int failures = 0;
    double maxRelative = 0;
    double maxAbsolute = 0;
    for (int c = 0; c < count; c++) {
      int i = count == size ? c : rng.nextInt(size);
      double original = w[i];
      w[i] = original + h;
      model.rng().setState(masks);
      double plus = model.loss(x, targets);
      boolean kinkPlus = model.kinks() != kinks;
      w[i] = original - h;
      model.rng().setState(masks);
      double minus = model.loss(x, targets);
      boolean kinkMinus = model.kinks() != kinks;
      w[i] = original;
      if (kinkPlus || kinkMinus) {
        skipped++;
        continue;
      }
      double numeric = (plus - minus) / (2 * h);
      double relative = relativeError(analytic[i], numeric);
      double absolute = Math.abs(analytic[i] - numeric);
      maxRelative = Math.max(maxRelative, relative);
      maxAbsolute = Math.max(maxAbsolute, absolute);
      if (relative > settings.threshold() && absolute > ABSOLUTE_TOLERANCE) {
        failures++;
      }
      checked++;
    }
    return new TensorResult(p.name(), size, checked, skipped, maxRelative, maxAbsolute, failures);
  }

  /** {@code |a - n| / max(|a|, |n|)}, and 0 when both are exactly 0. */
  public static double relativeError(double analytic, double numeric) {
    double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    return scale == 0 ? 0 : Math.abs(analytic - numeric) / scale;
  }

  private static DMatrixRMaj randomTargets(Model model, int n, Rng rng) {
    int outputs = model.network().outputWidth();
    int width = model.lossFunction().targetWidth(outputs);
    DMatrixRMaj t = new DMatrixRMaj(n, width);
    String loss = model.lossFunction().name();
    for (int i = 0; i < t.data.length; i++) {
      switch (loss) {
        case "softmax", "svm" -> t.data[i] = rng.nextInt(outputs);
        case "multilabel" -> t.data[i] = rng.nextInt(2);
        default -> t.data[i] = rng.nextGaussian();
      }
    }
    return t;
  }
}
