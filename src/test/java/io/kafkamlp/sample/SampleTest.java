package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Value semantics over array contents and the shape checks of the constructor. */
class SampleTest {

  @Test
  void shouldBeEqualWithTheSameHashWhenArraysHoldTheSameValues() {
    // Given
    Sample a = new Sample("m", new float[] {1f, 2f}, TargetKind.LABEL, new float[] {3f});
    Sample b = new Sample("m", new float[] {1f, 2f}, TargetKind.LABEL, new float[] {3f});

    // When / Then
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void shouldDifferWhenAFeatureTheModelOrTheKindDiffers() {
    // Given
    Sample base = new Sample("m", new float[] {1f, 2f}, TargetKind.TARGETS, new float[] {3f});

    // When / Then
    assertNotEquals(
        base, new Sample("m", new float[] {1f, 2.5f}, TargetKind.TARGETS, new float[] {3f}));
    assertNotEquals(
        base, new Sample("n", new float[] {1f, 2f}, TargetKind.TARGETS, new float[] {3f}));
    assertNotEquals(
        base, new Sample("m", new float[] {1f, 2f}, TargetKind.LABELS, new float[] {3f}));
    assertNotEquals(
        base, new Sample("m", new float[] {1f, 2f}, TargetKind.TARGETS, new float[] {4f}));
  }

  @Test
  void shouldShowTheValuesWhenPrinted() {
    // Given
    Sample small = new Sample("m", new float[] {1f, 2f}, TargetKind.LABEL, new float[] {3f});
    Sample large = new Sample("m", new float[784], TargetKind.NONE, new float[0]);

    // When
    String smallText = small.toString();
    String largeText = large.toString();

    // Then
    assertEquals("Sample[model=m, features=[1.0, 2.0], kind=LABEL, targets=[3.0]]", smallText);
    assertTrue(largeText.contains("... (784 values)]"), largeText);
  }

  @Test
  void shouldBeLabeledWhenItCarriesAnyTarget() {
    // Given
    float[] x = {1f};

    // When / Then
    assertFalse(new Sample("m", x, TargetKind.NONE, new float[0]).labeled());
    assertTrue(new Sample("m", x, TargetKind.LABEL, new float[] {0f}).labeled());
    assertTrue(new Sample("m", x, TargetKind.LABELS, new float[0]).labeled());
    assertTrue(new Sample("m", x, TargetKind.TARGETS, new float[] {0.5f}).labeled());
    assertEquals(7, new Sample("m", x, TargetKind.LABEL, new float[] {7f}).label());
  }

  @Test
  void shouldRefuseTargetsWhenTheyDoNotFitTheKind() {
    // Given
    float[] x = {1f};

    // When / Then
    assertThrows(
        IllegalArgumentException.class,
        () -> new Sample("m", x, TargetKind.NONE, new float[] {1f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Sample("m", x, TargetKind.LABEL, new float[] {1f, 2f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Sample("m", x, TargetKind.LABEL, new float[] {1.5f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Sample("m", x, TargetKind.LABELS, new float[] {Float.NaN}));
    assertThrows(
        IllegalArgumentException.class, () -> new Sample("", x, TargetKind.NONE, new float[0]));
    assertThrows(
        NullPointerException.class, () -> new Sample("m", null, TargetKind.NONE, new float[0]));
  }
}
