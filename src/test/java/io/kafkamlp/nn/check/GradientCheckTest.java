package io.kafkamlp.nn.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.check.GradientCheck.Result;
import io.kafkamlp.nn.check.GradientCheck.Settings;
import io.kafkamlp.nn.check.GradientCheck.TensorResult;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backprop proven against centred differences, for every layer, activation, loss, regularizer. */
class GradientCheckTest {

  private static final String[] ACTIVATIONS = ModelSpec.ACTIVATIONS.split("\\|");
  private static final String[] LOSSES = ModelSpec.LOSSES.split("\\|");

  /** Each regularizer and layer kind alone, then all of them together. */
  private static final String[] REGULARIZERS = {
    "",
    "l2=0.05",
    "l1=0.01",
    "max-norm=0.5",
    "batch-norm=true",
    "dropout=0.5",
    "l2=0.01;l1=0.01;max-norm=0.5;batch-norm=true;dropout=0.3"
  };

  /** Every activation x every loss x every regularizer set: 210 models. */
  static Stream<Arguments> combinations() {
    List<Arguments> cases = new ArrayList<>();
    for (String activation : ACTIVATIONS) {
      for (String loss : LOSSES) {
        for (String regularizers : REGULARIZERS) {
          cases.add(Arguments.of(activation, loss, regularizers));
        }
      }
    }
    cases.add(Arguments.of("leaky-relu", "softmax", "leaky-slope=0.2;layers=7,9,8,6,4"));
    cases.add(Arguments.of("maxout", "svm", "maxout-pieces=3;batch-norm=true;l1=0.01"));
    cases.add(Arguments.of("relu", "softmax", "max-norm=0.3;optimizer=nesterov"));
    return cases.stream();
  }

  /**
   * Dropout, when present, is checked with its masks replayed (the default check turns it off,
   * which {@link #shouldTurnDropoutOffWhenMasksAreNotReplayed} covers).
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("combinations")
  void shouldMatchNumericGradientWhenCheckedInDouble(String activation, String loss, String extra) {
    Settings settings = new Settings(6, 1e-5, 3, 200, 1e-6, 7, extra.contains("dropout"));

    Result result = GradientCheck.run(spec(activation, loss, extra), settings);

    for (TensorResult tensor : result.tensors()) {
      assertTrue(tensor.failures() == 0, () -> tensor + " in " + result);
      assertTrue(tensor.checked() >= tensor.kinksSkipped(), () -> "mostly kinks: " + tensor);
    }
    assertTrue(result.passed(), result::toString);
  }

  @Test
  void shouldTurnDropoutOffWhenMasksAreNotReplayed() {
    ModelSpec spec = spec("relu", "softmax", "dropout=0.5");

    Result result = GradientCheck.run(spec, Settings.defaults());

    assertTrue(result.passed(), result::toString);
  }

  @Test
  void shouldFailWhenGradientIsWrong() {
    // The relative error of a wrong derivative is large; the check must say so.
    double error = GradientCheck.relativeError(1.0, 1.1);

    assertTrue(error > 0.09, "error " + error);
    assertFalse(new Result(List.of(new TensorResult("W", 1, 1, 0, error, 0.1, 1)), 1e-6).passed());
  }

  @Test
  void shouldSkipKinksWhenPerturbationCrossesThem() {
    // A step as large as the data makes many ReLU inputs change sign: those must be skipped,
    // not reported as errors.
    Settings coarse = new Settings(4, 1e-1, 0, 200, 1e-6, 7, false);

    Result result = GradientCheck.run(spec("relu", "svm", ""), coarse);

    int skipped = result.tensors().stream().mapToInt(TensorResult::kinksSkipped).sum();
    assertTrue(skipped > 0, result::toString);
  }

  static ModelSpec spec(String activation, String loss, String extra) {
    Properties p = new Properties();
    p.setProperty("layers", "6,5,4,3");
    p.setProperty("activation", activation);
    p.setProperty("loss", loss);
    p.setProperty("seed", "3");
    for (String kv : extra.split(";")) {
      if (!kv.isEmpty()) {
        String[] parts = kv.split("=");
        p.setProperty(parts[0], parts[1]);
      }
    }
    return ModelSpec.fromProperties(p);
  }
}
