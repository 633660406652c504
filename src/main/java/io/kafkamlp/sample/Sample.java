package io.kafkamlp.sample;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parsed record: the features of one sample, what it is labeled with, and the model it is for.
 *
 * <p>What {@code targets} holds depends on {@code kind}:
 *
 * <ul>
 *   <li>{@link TargetKind#NONE}: an empty array (a prediction request);
 *   <li>{@link TargetKind#LABEL}: one value, the class index;
 *   <li>{@link TargetKind#LABELS}: the label indices in record order (any number, possibly none);
 *   <li>{@link TargetKind#TARGETS}: the regression target values.
 * </ul>
 *
 * <p>The constructor checks the shape only: non-null fields, a non-empty model name, an empty
 * {@code targets} for {@code NONE}, exactly one value for {@code LABEL}, and whole numbers for
 * {@code LABEL}/{@code LABELS}. Whether the values suit a model (feature count, finite values,
 * label range) is {@link SampleValidator}'s job; {@link SampleCodec#parse} already refuses NaN and
 * infinite values.
 *
 * <p>The arrays are held, not copied (this is the per-record hot path): whoever builds a sample
 * hands its arrays over and must not change them afterwards, and readers must not change them
 * either. {@link #equals}, {@link #hashCode} and {@link #toString} use the arrays' contents ({@link
 * Arrays#equals(float[], float[])} semantics: {@code NaN} equals {@code NaN}, {@code 0.0} differs
 * from {@code -0.0}).
 *
 * @param model the model the sample is for; {@link #DEFAULT_MODEL} when the record names none
 * @param features the input features; never null
 * @param kind what the record carries
 * @param targets per {@code kind}, see above; never null
 */
public record Sample(String model, float[] features, TargetKind kind, float[] targets) {

  /** The model of records that name none. */
  public static final String DEFAULT_MODEL = "default";

  /** Labels are held as floats: every integer up to this magnitude is exact. */
  static final int MAX_EXACT_LABEL = 1 << 24;

  private static final int TO_STRING_VALUES = 16;

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the model name is empty or {@code targets} does not fit
   *     {@code kind}
   */
  public Sample {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(targets, "targets");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("model must not be empty");
    }
    switch (kind) {
      case NONE:
        if (targets.length != 0) {
          throw new IllegalArgumentException(
              "an unlabeled sample has no targets, got " + targets.length);
        }
        break;
      case LABEL:
        if (targets.length != 1) {
          throw new IllegalArgumentException(
              "a LABEL sample has exactly one target, got " + targets.length);
        }
        checkWhole(targets);
        break;
      case LABELS:
        checkWhole(targets);
        break;
      case TARGETS:
        break;
      default:
        throw new AssertionError(kind);
    }
  }

  /** Whether the sample carries a label or target, i.e. is training or validation data. */
  public boolean labeled() {
    return kind != TargetKind.NONE;
  }

  /** The class index of a {@link TargetKind#LABEL} sample. */
  public int label() {
    if (kind != TargetKind.LABEL) {
      throw new IllegalStateException("not a LABEL sample: " + kind);
    }
    return (int) targets[0];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sample s
        && model.equals(s.model)
        && kind == s.kind
        && Arrays.equals(features, s.features)
        && Arrays.equals(targets, s.targets);
  }

  @Override
  public int hashCode() {
    int h = model.hashCode();
    h = 31 * h + Arrays.hashCode(features);
    h = 31 * h + kind.hashCode();
    return 31 * h + Arrays.hashCode(targets);
  }

  /** The contents; arrays longer than 16 values show their first 16 and their length. */
  @Override
  public String toString() {
    return "Sample[model="
        + model
        + ", features="
        + show(features)
        + ", kind="
        + kind
        + ", targets="
        + show(targets)
        + "]";
  }

  private static String show(float[] values) {
    if (values.length <= TO_STRING_VALUES) {
      return Arrays.toString(values);
    }
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < TO_STRING_VALUES; i++) {
      text.append(values[i]).append(", ");
    }
    return text.append("... (").append(values.length).append(" values)]").toString();
  }

  private static void checkWhole(float[] labels) {
    for (float label : labels) {
      if (label != Math.rint(label) || Math.abs(label) > MAX_EXACT_LABEL) {
        throw new IllegalArgumentException("labels are integers, got " + label);
      }
    }
  }
}
