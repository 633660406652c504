package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kafkamlp.nn.loss.Losses;
import io.kafkamlp.spec.ModelSpec;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Samples against softmax (10 classes), multilabel (5 labels) and l2 (2 outputs) models. */
class SampleValidatorTest {

  private static final ModelSpec SOFTMAX = spec("4,8,10", "softmax");
  private static final ModelSpec SVM = spec("4,8,10", "svm");
  private static final ModelSpec MULTILABEL = spec("4,8,5", "multilabel");
  private static final ModelSpec L2 = spec("4,8,2", "l2");
  private static final float[] X = {0.5f, -1f, 2f, 0f};

  static Stream<Arguments> validSamples() {
    return Stream.of(
        Arguments.of(SOFTMAX, label(0)),
        Arguments.of(SOFTMAX, label(9)),
        Arguments.of(SVM, label(4)),
        Arguments.of(SOFTMAX, unlabeled(X)),
        Arguments.of(MULTILABEL, labels(0, 4, 2)),
        Arguments.of(MULTILABEL, labels()),
        Arguments.of(L2, targets(1.5f, -3f)),
        Arguments.of(spec("4,8,2", "l1"), targets(0f, 0f)),
        Arguments.of(L2, unlabeled(X)));
  }

  @ParameterizedTest
  @MethodSource("validSamples")
  void shouldAcceptWhenTheSampleFitsTheModel(ModelSpec spec, Sample sample) {
    // Given: a sample of the kind and size the model takes

    // When
    Rejection rejection = SampleValidator.validate(sample, spec);

    // Then
    assertNull(rejection);
  }

  static Stream<Arguments> invalidSamples() {
    return Stream.of(
        Arguments.of(SOFTMAX, unlabeled(new float[] {1f, 2f, 3f}), "expected 4 features, got 3"),
        Arguments.of(
            SOFTMAX,
            new Sample("m", new float[5], TargetKind.LABEL, new float[] {1f}),
            "expected 4 features, got 5"),
        Arguments.of(
            L2,
            unlabeled(new float[] {0f, 1f, Float.NaN, 2f}),
            "NaN or infinite feature at index 2"),
        Arguments.of(SOFTMAX, label(12), "label 12 out of range [0, 10)"),
        Arguments.of(SOFTMAX, label(10), "label 10 out of range [0, 10)"),
        Arguments.of(SVM, label(-1), "label -1 out of range [0, 10)"),
        Arguments.of(
            SOFTMAX, labels(1, 2), "label must be a class index for loss softmax, got labels"),
        Arguments.of(SVM, targets(1f), "label must be a class index for loss svm, got targets"),
        Arguments.of(
            MULTILABEL,
            label(1),
            "labels must be an array of label indices for loss multilabel, got label"),
        Arguments.of(MULTILABEL, labels(1, 5), "label 5 out of range [0, 5)"),
        Arguments.of(MULTILABEL, labels(1, 3, 1), "duplicate label 1"),
        Arguments.of(L2, label(1), "target or targets must be given for loss l2, got label"),
        Arguments.of(L2, targets(1f), "expected 2 targets, got 1"),
        Arguments.of(L2, targets(1f, 2f, 3f), "expected 2 targets, got 3"),
        Arguments.of(L2, targets(1f, Float.NEGATIVE_INFINITY), "NaN or infinite target at index 1"),
        Arguments.of(L2, targets(Float.NaN, 1f), "NaN or infinite target at index 0"));
  }

  @ParameterizedTest
  @MethodSource("invalidSamples")
  void shouldRejectAtValidateWithAReasonNamingTheProblemWhenTheSampleDoesNotFit(
      ModelSpec spec, Sample sample, String reason) {
    // Given: a sample that does not fit the model

    // When
    Rejection rejection = SampleValidator.validate(sample, spec);

    // Then
    assertEquals(Rejection.validate(reason), rejection);
    assertEquals(Rejection.VALIDATE, rejection.stage());
  }

  @Test
  void shouldWriteTheClassIndexWhenTheLossIsSoftmaxOrSvm() {
    // Given
    float[] row = new float[1];
    float[] svmRow = new float[1];

    // When
    SampleValidator.targetRow(label(7), SOFTMAX, row);
    SampleValidator.targetRow(label(2), SVM, svmRow);

    // Then
    assertArrayEquals(new float[] {7f}, row);
    assertArrayEquals(new float[] {2f}, svmRow);
  }

  @Test
  void shouldWriteAMultiHotRowWhenTheLossIsMultilabel() {
    // Given: a row holding values of an earlier sample
    float[] row = {9f, 9f, 9f, 9f, 9f};

    // When
    SampleValidator.targetRow(labels(4, 1), MULTILABEL, row);

    // Then
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f, 1f}, row);
  }

  @Test
  void shouldCopyTheValuesWhenTheLossIsRegression() {
    // Given
    float[] row = new float[2];

    // When
    SampleValidator.targetRow(targets(1.5f, -3f), L2, row);

    // Then
    assertArrayEquals(new float[] {1.5f, -3f}, row);
  }

  @Test
  void shouldFillOnlyItsRowWhenWritingIntoABatchAtAnOffset() {
    // Given: a 3 x 5 target matrix, row-major
    float[] batch = new float[15];
    Arrays.fill(batch, -1f);

    // When
    SampleValidator.targetRow(labels(0, 3), MULTILABEL, batch, 5);

    // Then
    assertArrayEquals(new float[] {-1, -1, -1, -1, -1, 1, 0, 0, 1, 0, -1, -1, -1, -1, -1}, batch);
  }

  @Test
  void shouldRefuseWhenTheRowHasTheWrongWidthOrTheSampleTheWrongKind() {
    // Given
    float[] tooWide = new float[2];

    // When / Then
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleValidator.targetRow(label(1), SOFTMAX, tooWide));
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleValidator.targetRow(unlabeled(X), SOFTMAX, new float[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleValidator.targetRow(label(1), L2, new float[2]));
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleValidator.targetRow(label(1), SOFTMAX, new float[3], 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"softmax", "svm", "multilabel", "l2", "l1"})
  void shouldAgreeWithTheLossWhenAskedForTheTargetWidth(String loss) {
    // Given
    ModelSpec spec = spec("4,8,6", loss);

    // When
    int width = SampleValidator.targetWidth(spec);

    // Then
    assertEquals(Losses.byName(loss).targetWidth(spec.outputs()), width);
    assertEquals(loss.equals("softmax") || loss.equals("svm") ? 1 : 6, width);
  }

  private static ModelSpec spec(String layers, String loss) {
    return ModelSpec.defaults().with(ModelSpec.LAYERS_CONFIG, layers).with("loss", loss);
  }

  private static Sample unlabeled(float[] features) {
    return new Sample(Sample.DEFAULT_MODEL, features, TargetKind.NONE, new float[0]);
  }

  private static Sample label(int label) {
    return new Sample(Sample.DEFAULT_MODEL, X, TargetKind.LABEL, new float[] {label});
  }

  private static Sample labels(int... labels) {
    float[] values = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      values[i] = labels[i];
    }
    return new Sample(Sample.DEFAULT_MODEL, X, TargetKind.LABELS, values);
  }

  private static Sample targets(float... targets) {
    return new Sample(Sample.DEFAULT_MODEL, X, TargetKind.TARGETS, targets);
  }
}
