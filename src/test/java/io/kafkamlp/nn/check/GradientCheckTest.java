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
import org.junit.jupiter.params.provider.ValueSource;

/** Backprop proven against centred differences, for every layer, activation, loss, regularizer. */
class GradientCheckTest {

  private static final String[] ACTIVATIONS = ModelSpec.ACTIVATIONS.split("\\|");
  private static final String[] LOSSES = ModelSpec.LOSSES.split("\\|");

  static Stream<Arguments> combinations() {
    List<Arguments> cases = new ArrayList<>();
    for (String activation : ACTIVATIONS) {
      for (String loss : LOSSES) {
        cases.add(Arguments.of(activation, loss, ""));
      }
      cases.add(Arguments.of(activation, "softmax", "batch-norm=true"));
    }
    for (String loss : LOSSES) {
      cases.add(Arguments.of("relu", loss, "l2=0.05"));
      cases.add(Arguments.of("relu", loss, "l1=0.01"));
      cases.add(Arguments.of("tanh", loss, "l2=0.01;l1=0.01;max-norm=0.5;batch-norm=true"));
    }
    cases.add(Arguments.of("leaky-relu", "softmax", "leaky-slope=0.2;layers=7,9,8,6,4"));
    cases.add(Arguments.of("maxout", "svm", "maxout-pieces=3;batch-norm=true;l1=0.01"));
    cases.add(Arguments.of("relu", "softmax", "dropout=0.5;max-norm=0.3;optimizer=nesterov"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("combinations")
  void shouldMatchNumericGradientWhenCheckedInDouble(String activation, String loss, String extra) {
    Result result = GradientCheck.run(spec(activation, loss, extra), Settings.defaults());

    for (TensorResult tensor : result.tensors()) {
      assertTrue(tensor.failures() == 0, () -> tensor + " in " + result);
      assertTrue(tensor.checked() >= tensor.kinksSkipped(), () -> "mostly kinks: " + tensor);
    }
    assertTrue(result.passed(), result::toString);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"relu", "tanh", "maxout"})
  void shouldMatchNumericGradientWhenDropoutMasksAreReplayed(String activation) {
    ModelSpec spec = spec(activation, "softmax", "dropout=0.5;batch-norm=true");
    Settings replay = new Settings(6, 1e-5, 3, 200, 1e-6, 7, true);

    Result result = GradientCheck.run(spec, replay);

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
