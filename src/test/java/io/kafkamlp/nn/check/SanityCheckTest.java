package io.kafkamlp.nn.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.check.SanityCheck.Check;
import io.kafkamlp.spec.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SanityCheckTest {

  @Test
  void shouldPassAllChecksWhenDefaultModel() {
    List<Check> checks = SanityCheck.run(ModelSpec.defaults());

    assertEquals(3, checks.size());
    checks.forEach(c -> assertTrue(c.passed(), c::toString));
  }

  @Test
  void shouldFailOverfittingWhenLearningRateIsFarTooSmall() {
    ModelSpec spec = ModelSpec.defaults().with("layers", "50,20,5").with("lr", "1e-9");

    Check overfit = SanityCheck.overfitTinySubset(spec);

    assertFalse(overfit.passed(), overfit::toString);
  }

  @Test
  void shouldReportInitialLossOnlyWhenLossHasNoClosedForm() {
    ModelSpec spec = ModelSpec.defaults().with("layers", "50,20,5").with("loss", "svm");

    Check initial = SanityCheck.initialLoss(spec);

    assertTrue(initial.passed());
    assertTrue(initial.detail().contains("reported only"), initial::toString);
  }

  @Test
  void shouldOverfitWhenRegressionLoss() {
    ModelSpec spec = ModelSpec.defaults().with("layers", "10,16,2").with("loss", "l2");

    List<Check> checks = SanityCheck.run(spec);

    checks.forEach(c -> assertTrue(c.passed(), c::toString));
  }
}
