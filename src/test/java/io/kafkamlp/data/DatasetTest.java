package io.kafkamlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape checks and the sample views. */
class DatasetTest {

  private static final float[][] TRAIN_X = {{1f, 2f}, {3f, 4f}, {5f, 6f}};
  private static final int[] TRAIN_Y = {0, 4, 1};
  private static final float[][] TEST_X = {{7f, 8f}};
  private static final int[] TEST_Y = {2};

  @Test
  void shouldViewEachPartAsLabeledSamples() {
    // Given
    Dataset data = new Dataset(TRAIN_X, TRAIN_Y, TEST_X, TEST_Y);

    // When
    List<Sample> train = data.trainSamples("fashion");
    List<Sample> test = data.testSamples("fashion");

    // Then
    assertEquals(3, train.size());
    assertEquals(
        new Sample("fashion", new float[] {3f, 4f}, TargetKind.LABEL, new float[] {4f}),
        train.get(1));
    assertSame(TRAIN_X[1], train.get(1).features());
    assertEquals(2, test.get(0).label());
    assertEquals(2, data.features());
    assertEquals(5, data.classes());
    assertThrows(UnsupportedOperationException.class, () -> train.remove(0));
  }

  @Test
  void shouldRejectMismatchedShapesAndNegativeLabels() {
    assertThrows(
        IllegalArgumentException.class, () -> new Dataset(TRAIN_X, new int[2], TEST_X, TEST_Y));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Dataset(TRAIN_X, TRAIN_Y, new float[][] {{1f}}, TEST_Y));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Dataset(TRAIN_X, new int[] {0, -1, 0}, TEST_X, TEST_Y));
    assertThrows(NullPointerException.class, () -> new Dataset(null, TRAIN_Y, TEST_X, TEST_Y));
  }

  @Test
  void shouldHaveNoFeaturesOrClassesWhenEmpty() {
    Dataset empty = new Dataset(new float[0][], new int[0], new float[0][], new int[0]);
    assertEquals(0, empty.features());
    assertEquals(0, empty.classes());
  }
}
