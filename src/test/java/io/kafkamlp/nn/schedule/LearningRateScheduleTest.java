package io.kafkamlp.nn.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private static final double TOL = 1e-12;

  @Test
  void shouldReturnSameRateWhenScheduleIsConstant() {
    LearningRateSchedule s = LearningRateSchedules.constant(0.05);
    assertEquals(0.05, s.at(0), 0.0);
    assertEquals(0.05, s.at(1), 0.0);
    assertEquals(0.05, s.at(1_000_000), 0.0);
    assertArrayEquals(new double[0], s.state());
  }

  @Test
  void shouldDropAtMultiplesOfEveryStepsWhenStepDecay() {
    LearningRateSchedule s = LearningRateSchedules.stepDecay(0.1, 0.5, 100);
    assertEquals(0.1, s.at(0), TOL);
    assertEquals(0.1, s.at(99), TOL);
    assertEquals(0.05, s.at(100), TOL);
    assertEquals(0.05, s.at(199), TOL);
    assertEquals(0.025, s.at(250), TOL);
    assertEquals(0.1 / 1024, s.at(1000), TOL);
  }

  @Test
  void shouldDecayByExpOfMinusKStepWhenExponentialDecay() {
    LearningRateSchedule s = LearningRateSchedules.exponentialDecay(0.1, 0.01);
    assertEquals(0.1, s.at(0), TOL);
    assertEquals(0.09048374180359595, s.at(10), TOL); // 0.1 * e^-0.1
    assertEquals(0.036787944117144235, s.at(100), TOL); // 0.1 * e^-1
    assertEquals(0.1 / 2, s.at(69), 2e-4); // half-life ln(2) / k = 69.3 steps
  }

  @Test
  void shouldDivideByOnePlusKStepWhenInverseTimeDecay() {
    LearningRateSchedule s = LearningRateSchedules.inverseTimeDecay(0.1, 0.5);
    assertEquals(0.1, s.at(0), TOL);
    assertEquals(0.1 / 1.5, s.at(1), TOL);
    assertEquals(0.05, s.at(2), TOL);
    assertEquals(0.1 / 6, s.at(10), TOL);
  }

  @Test
  void shouldReduceOnlyAfterPatienceBadObservationsWhenLossPlateaus() {
    // best * (1 - threshold) must be beaten: with best 1.0 and threshold 0.1, below 0.9.
    ReduceOnPlateau s = LearningRateSchedules.reduceOnPlateau(1.0, 0.5, 3, 0.1, 0.0);
    assertEquals(1.0, s.at(0), 0.0);
    s.observe(1.0); // first observation always improves
    assertArrayEquals(new double[] {1.0, 0, 1.0}, s.state());
    s.observe(0.95); // within threshold: bad 1
    s.observe(0.92); // bad 2
    assertEquals(1.0, s.at(10), 0.0);
    assertEquals(2, s.badCount());
    s.observe(0.91); // bad 3 = patience: reduce, reset
    assertEquals(0.5, s.at(11), TOL);
    assertEquals(0, s.badCount());
    assertEquals(1.0, s.best(), 0.0);
    s.observe(0.85); // 0.85 < 0.9: improvement
    assertEquals(0.85, s.best(), 0.0);
    s.observe(0.9);
    s.observe(0.9);
    assertEquals(0.5, s.at(12), TOL);
    s.observe(0.9);
    assertEquals(0.25, s.at(13), TOL);
  }

  @Test
  void shouldResetBadCountWhenLossImprovesBeforePatience() {
    ReduceOnPlateau s = LearningRateSchedules.reduceOnPlateau(1.0, 0.5, 3, 0.0, 0.0);
    s.observe(2.0);
    s.observe(2.0); // equal is not an improvement
    s.observe(2.5);
    s.observe(1.5); // improvement resets
    s.observe(1.6);
    s.observe(1.7);
    assertEquals(1.0, s.at(0), 0.0);
    assertEquals(2, s.badCount());
    s.observe(Double.NaN); // NaN never improves
    assertEquals(0.5, s.at(0), TOL);
  }

  @Test
  void shouldStopAtMinLrWhenReducedRepeatedly() {
    ReduceOnPlateau s = LearningRateSchedules.reduceOnPlateau(1.0, 0.5, 1, 0.0, 0.2);
    s.observe(1.0);
    double[] expected = {0.5, 0.25, 0.2, 0.2, 0.2};
    for (double rate : expected) {
      s.observe(1.0);
      assertEquals(rate, s.at(0), TOL);
    }
  }

  @Test
  void shouldContinueIdenticallyWhenStateIsRestored() {
    double[] before = {3.0, 2.9, 2.95, 2.0, 2.1};
    double[] after = {2.2, 1.99, 2.0, 2.3, 1.5, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6};
    ReduceOnPlateau original = new ReduceOnPlateau(0.1, 0.5, 2, 0.05, 0.01);
    for (double loss : before) {
      original.observe(loss);
    }
    ReduceOnPlateau restored = new ReduceOnPlateau(0.1, 0.5, 2, 0.05, 0.01);
    restored.restore(original.state());
    assertArrayEquals(original.state(), restored.state());
    for (double loss : after) {
      original.observe(loss);
      restored.observe(loss);
      assertArrayEquals(original.state(), restored.state());
      assertEquals(original.at(5), restored.at(5), 0.0);
    }
    assertEquals(0.01, restored.at(5), TOL);
  }

  @Test
  void shouldRejectStateWhenMalformed() {
    ReduceOnPlateau s = new ReduceOnPlateau(0.1, 0.5, 2, 0.05, 0.01);
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1.0, 0}));
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1, 0, 0.1, 0}));
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1.0, 2, 0.1}));
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1.0, 0.5, 0.1}));
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1.0, 0, 0.2}));
    assertThrows(IllegalArgumentException.class, () -> s.restore(new double[] {1.0, 0, 0.001}));
    assertThrows(
        IllegalArgumentException.class, () -> s.restore(new double[] {Double.NaN, 0, 0.1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> LearningRateSchedules.constant(0.1).restore(new double[] {1.0}));
  }

  @Test
  void shouldRejectArgumentsWhenOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedules.constant(0.0));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedules.constant(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedules.stepDecay(0.1, 1.5, 10));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedules.stepDecay(0.1, 0.5, 0));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedules.exponentialDecay(0.1, -1));
    assertThrows(
        IllegalArgumentException.class, () -> LearningRateSchedules.inverseTimeDecay(-0.1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> LearningRateSchedules.reduceOnPlateau(0.1, 1.0, 2, 0.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LearningRateSchedules.reduceOnPlateau(0.1, 0.5, 0, 0.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LearningRateSchedules.reduceOnPlateau(0.1, 0.5, 2, 1.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> LearningRateSchedules.reduceOnPlateau(0.1, 0.5, 2, 0.0, 0.2));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedules.constant(0.1).at(-1));
  }

  @Test
  void shouldDescribeFactoryCallWhenPrinted() {
    assertEquals("constant(lr=0.1)", LearningRateSchedules.constant(0.1).toString());
    assertEquals(
        "stepDecay(lr=0.1, factor=0.5, everySteps=100)",
        LearningRateSchedules.stepDecay(0.1, 0.5, 100).toString());
    assertEquals(
        "exponentialDecay(lr=0.1, k=0.01)",
        LearningRateSchedules.exponentialDecay(0.1, 0.01).toString());
    assertEquals(
        "inverseTimeDecay(lr=0.1, k=0.5)",
        LearningRateSchedules.inverseTimeDecay(0.1, 0.5).toString());
    assertEquals(
        "reduceOnPlateau(lr=0.1, factor=0.1, patience=10, threshold=1.0E-4, minLr=0.0)",
        LearningRateSchedules.reduceOnPlateau(0.1).toString());
  }
}
