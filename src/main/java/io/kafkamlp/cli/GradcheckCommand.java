package io.kafkamlp.cli;

import io.kafkamlp.nn.check.GradientCheck;
import io.kafkamlp.nn.check.GradientCheck.Result;
import io.kafkamlp.nn.check.GradientCheck.Settings;
import io.kafkamlp.nn.check.GradientCheck.TensorResult;
import io.kafkamlp.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kafka-mlp gradcheck}: analytic against numeric gradients, exit 1 above threshold. */
@Command(
    name = "gradcheck",
    mixinStandardHelpOptions = true,
    description =
        "Compares backprop gradients with centred finite differences in double precision, per"
            + " parameter tensor, and exits 1 when a relative error exceeds the threshold. Dropout"
            + " is off while checking (or, with --fixed-dropout, checked with one replayed set of"
            + " masks); coordinates whose step crosses a kink are skipped and counted.")
final class GradcheckCommand implements Callable<Integer>, ModelOptions.Taker {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--samples", description = "Batch rows to check on (default 4).")
  int samples = Settings.defaults().samples();

  @Option(names = "--step", description = "Finite-difference step h (default 1e-5).")
  double step = Settings.defaults().step();

  @Option(names = "--warmup", description = "Training steps before checking (default 3).")
  int warmup = Settings.defaults().warmupSteps();

  @Option(names = "--per-tensor", description = "Coordinates sampled per tensor (default 200).")
  int perTensor = Settings.defaults().maxPerTensor();

  @Option(names = "--threshold", description = "Largest passing relative error (default 1e-6).")
  double threshold = Settings.defaults().threshold();

  @Option(
      names = "--fixed-dropout",
      description = "Check dropout too, replaying the same masks in every evaluation.")
  boolean fixedDropoutMasks;

  @Override
  public Integer call() {
    PrintWriter out = commandSpec.commandLine().getOut();
    ModelSpec spec = ModelOptions.spec(commandSpec);
    Result result =
        GradientCheck.run(
            spec,
            new Settings(
                samples, step, warmup, perTensor, threshold, spec.seed(), fixedDropoutMasks));
    out.printf(
        "gradient check: layers %s, %s, %s loss, double precision, h=%g%n",
        spec.layers(), spec.activation(), spec.loss(), step);
    out.printf(
        "%-18s %8s %8s %6s %14s %14s %6s%n",
        "tensor", "size", "checked", "kinks", "max rel error", "max abs error", "fails");
    for (TensorResult t : result.tensors()) {
      out.printf(
          "%-18s %8d %8d %6d %14.3e %14.3e %6d%n",
          t.name(),
          t.size(),
          t.checked(),
          t.kinksSkipped(),
          t.maxRelativeError(),
          t.maxAbsoluteError(),
          t.failures());
    }
    out.printf(
        "max relative error %.3e; threshold %.1e (absolute differences under %.0e are"
            + " finite-difference noise): %s%n",
        result.maxRelativeError(),
        threshold,
        GradientCheck.ABSOLUTE_TOLERANCE,
        result.passed() ? "PASS" : "FAIL");
    out.flush();
    return result.passed() ? 0 : 1;
  }
}
