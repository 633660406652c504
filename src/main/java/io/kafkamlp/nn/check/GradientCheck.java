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
 * Compares the analytic gradient of every parameter tensor with a centred finite difference,
 * {@code (f(w + h) - f(w - h)) / 2h}, in double precision, on the double twin ({@code
 * io.kafkamlp.nn64}) generated from the very source that trains in float.
 *
 * <p>Following the CS231n notes: relative error {@code |a - n| / max(|a|, |n|)}; dropout is turned
 * off (it is not deterministic between evaluations); the network first trains a few steps so the
 * check runs in a characteristic mode (momentum built up, max-norm projection active); and a
 * coordinate whose perturbation crosses a kink (a ReLU input or hinge margin changing sign, a
 * Maxout winner changing, an L1-penalized weight crossing zero) is skipped and counted, since its
 * finite difference is not a derivative. Differences below {@link #ABSOLUTE_TOLERANCE} count as
 * zero error: both gradients are zero up to rounding there.
 */
public final class GradientCheck {

  /** Absolute differences below this are rounding, not error. */
  public static final double ABSOLUTE_TOLERANCE = 1e-10;

  /** How one check is run. */
  public record Settings(int samples, double step, int warmupSteps, int maxPerTensor,
      double threshold, long seed) {

    /** 4 samples, h = 1e-5, 3 warm-up steps, at most 200 coordinates per tensor, 1e-6. */
    public static Settings defaults() {
      return new Settings(4, 1e-5, 3, 200, 1e-6, 7);
    }
  }

  /** The outcome for one parameter tensor. */
  public record TensorResult(String name, int size, int checked, int kinksSkipped,
      double maxRelativeError) {}

  /** The outcome for a model. */
  public record Result(List<TensorResult> tensors, double threshold) {

    public double maxRelativeError() {
      return tensors.stream().mapToDouble(TensorResult::maxRelativeError).max().orElse(0);
    }

    /** True when every tensor is under the threshold and at least one coordinate was checked. */
    public boolean passed() {
      return maxRelativeError() <= threshold
          && tensors.stream().mapToInt(TensorResult::checked).sum() > 0;
    }
  }

  private GradientCheck() {}

  /** Checks the model {@code spec} describes (with dropout off) on random data. */
  public static Result run(ModelSpec spec, Settings settings) {
    ModelSpec checked = spec.withDropout(0).withBatchSize(settings.samples());
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

    model.computeGradients(x, targets);
    long kinks = model.kinks();
    List<TensorResult> results = new ArrayList<>();
    for (Parameter p : model.network().parameters()) {
      results.add(checkTensor(model, p, x, targets, kinks, settings, rng));
    }
    return new Result(results, settings.threshold());
  }

  private static TensorResult checkTensor(Model model, Parameter p, DMatrixRMaj x,
      DMatrixRMaj targets, long kinks, Settings settings, Rng rng) {
    double[] w = p.value().data;
    double[] analytic = p.gradient().data.clone();
    double h = settings.step();
    int size = p.size();
    int count = Math.min(size, settings.maxPerTensor());
    int checked = 0;
    int skipped = 0;
    double maxError = 0;
    for (int c = 0; c < count; c++) {
      int i = count == size ? c : rng.nextInt(size);
      double original = w[i];
      w[i] = original + h;
      double plus = model.loss(x, targets);
      boolean kinkPlus = model.kinks() != kinks;
      w[i] = original - h;
      double minus = model.loss(x, targets);
      boolean kinkMinus = model.kinks() != kinks;
      w[i] = original;
      if (kinkPlus || kinkMinus) {
        skipped++;
        continue;
      }
      double numeric = (plus - minus) / (2 * h);
      maxError = Math.max(maxError, relativeError(analytic[i], numeric));
      checked++;
    }
    return new TensorResult(p.name(), size, checked, skipped, maxError);
  }

  /** {@code |a - n| / max(|a|, |n|)}, or 0 when the difference is below rounding. */
  public static double relativeError(double analytic, double numeric) {
    double diff = Math.abs(analytic - numeric);
    if (diff < ABSOLUTE_TOLERANCE) {
      return 0;
    }
    return diff / Math.max(Math.abs(analytic), Math.abs(numeric));
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
