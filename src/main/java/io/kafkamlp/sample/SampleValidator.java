package io.kafkamlp.sample;

import io.kafkamlp.spec.ModelSpec;
import java.util.Arrays;

/**
 * Checks that a sample fits a model, and turns a valid labeled sample into the model's target row.
 *
 * <p>What each loss takes ({@code outputs} = the spec's last layer size):
 *
 * <table>
 *   <caption>sample kinds per loss</caption>
 *   <tr><th>loss</th><th>labeled samples need</th><th>target row (width)</th></tr>
 *   <tr><td>softmax, svm</td><td>{@link TargetKind#LABEL}, in [0, outputs)</td>
 *       <td>{label} (1)</td></tr>
 *   <tr><td>multilabel</td><td>{@link TargetKind#LABELS}, each in [0, outputs), no duplicates
 *       (none at all is fine: every label negative)</td><td>multi-hot (outputs)</td></tr>
 *   <tr><td>l2, l1</td><td>{@link TargetKind#TARGETS}, exactly outputs finite values</td>
 *       <td>the values (outputs)</td></tr>
 * </table>
 *
 * <p>Every sample, labeled or not, needs exactly {@code spec.inputs()} finite features. The widths
 * agree with {@code io.kafkamlp.nn.loss.Loss#targetWidth}. Stateless and thread-safe.
 */
public final class SampleValidator {

  private SampleValidator() {}

  /**
   * Whether {@code s} fits the model: null when it does, else the reason, with stage {@link
   * Rejection#VALIDATE}: {@code "expected 784 features, got 783"}, {@code "NaN or infinite feature
   * at index 3"}, {@code "label 12 out of range [0, 10)"}, {@code "duplicate label 3"}, {@code
   * "label must be a class index for loss softmax, got labels"}, {@code "labels must be an array of
   * label indices for loss multilabel, got label"}, {@code "target or targets must be given for
   * loss l2, got label"}, {@code "expected 2 targets, got 3"}, {@code "NaN or infinite target at
   * index 1"}. Unlabeled samples are checked for their features only.
   *
   * <p>Allocation-free when the sample is valid (duplicate labels are found by a quadratic scan,
   * fine for the few labels of a sample).
   */
  public static Rejection validate(Sample s, ModelSpec spec) {
    float[] features = s.features();
    if (features.length != spec.inputs()) {
      return reject("expected " + spec.inputs() + " features, got " + features.length);
    }
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        return reject("NaN or infinite feature at index " + i);
      }
    }
    if (!s.labeled()) {
      return null;
    }
    int outputs = spec.outputs();
    float[] targets = s.targets();
    switch (spec.loss()) {
      case "softmax":
      case "svm":
        if (s.kind() != TargetKind.LABEL) {
          return reject(
              "label must be a class index for loss " + spec.loss() + ", got " + field(s.kind()));
        }
        return checkLabel(targets[0], outputs);
      case "multilabel":
        if (s.kind() != TargetKind.LABELS) {
          return reject(
              "labels must be an array of label indices for loss multilabel, got "
                  + field(s.kind()));
        }
        for (int i = 0; i < targets.length; i++) {
          Rejection bad = checkLabel(targets[i], outputs);
          if (bad != null) {
            return bad;
          }
          for (int j = 0; j < i; j++) {
            if (targets[j] == targets[i]) {
              return reject("duplicate label " + (int) targets[i]);
            }
          }
        }
        return null;
      case "l2":
      case "l1":
        if (s.kind() != TargetKind.TARGETS) {
          return reject(
              "target or targets must be given for loss "
                  + spec.loss()
                  + ", got "
                  + field(s.kind()));
        }
        if (targets.length != outputs) {
          return reject("expected " + outputs + " targets, got " + targets.length);
        }
        for (int i = 0; i < targets.length; i++) {
          if (!Float.isFinite(targets[i])) {
            return reject("NaN or infinite target at index " + i);
          }
        }
        return null;
      default:
        throw unknownLoss(spec);
    }
  }

  /**
   * Writes the model's target row for {@code s}: {label} for softmax and svm; a multi-hot row (1 at
   * each label, 0 elsewhere) for multilabel; the target values for l2 and l1.
   *
   * @param s a labeled sample for which {@link #validate} returned null; not modified
   * @param out modified: the row; its length must be {@link #targetWidth}
   * @throws IllegalArgumentException if {@code out} has the wrong length or {@code s} is unlabeled
   *     or of the wrong kind (other invalid samples give undefined rows or an index exception)
   */
  public static void targetRow(Sample s, ModelSpec spec, float[] out) {
    int width = targetWidth(spec);
    if (out.length != width) {
      throw new IllegalArgumentException(
          "target row has length " + out.length + ", the model needs " + width);
    }
    targetRow(s, spec, out, 0);
  }

  /**
   * As {@link #targetRow(Sample, ModelSpec, float[])}, into {@code out[offset, offset + width)},
   * e.g. a row of a mini-batch's target matrix ({@code offset = row * width}); the rest of {@code
   * out} is not touched.
   */
  public static void targetRow(Sample s, ModelSpec spec, float[] out, int offset) {
    int width = targetWidth(spec);
    if (offset < 0 || offset > out.length - width) {
      throw new IllegalArgumentException(
          "target row [" + offset + ", " + (offset + width) + ") outside length " + out.length);
    }
    float[] targets = s.targets();
    switch (spec.loss()) {
      case "softmax":
      case "svm":
        requireKind(s, TargetKind.LABEL, spec);
        out[offset] = targets[0];
        break;
      case "multilabel":
        requireKind(s, TargetKind.LABELS, spec);
        Arrays.fill(out, offset, offset + width, 0f);
        for (float label : targets) {
          out[offset + (int) label] = 1f;
        }
        break;
      case "l2":
      case "l1":
        requireKind(s, TargetKind.TARGETS, spec);
        if (targets.length != width) {
          throw new IllegalArgumentException(
              "expected " + width + " targets, got " + targets.length);
        }
        System.arraycopy(targets, 0, out, offset, width);
        break;
      default:
        throw unknownLoss(spec);
    }
  }

  /**
   * Columns of the model's target row: 1 for softmax and svm (the class index), {@code
   * spec.outputs()} for multilabel, l2 and l1. Equals {@code
   * Losses.byName(spec.loss()).targetWidth(spec.outputs())}.
   */
  public static int targetWidth(ModelSpec spec) {
    switch (spec.loss()) {
      case "softmax":
      case "svm":
        return 1;
      case "multilabel":
      case "l2":
      case "l1":
        return spec.outputs();
      default:
        throw unknownLoss(spec);
    }
  }

  private static Rejection checkLabel(float label, int outputs) {
    if (label < 0 || label >= outputs) {
      return reject("label " + (int) label + " out of range [0, " + outputs + ")");
    }
    return null;
  }

  private static void requireKind(Sample s, TargetKind kind, ModelSpec spec) {
    if (s.kind() != kind) {
      throw new IllegalArgumentException(
          "loss " + spec.loss() + " needs a " + kind + " sample, got " + s.kind());
    }
  }

  /** The JSON field that carries {@code kind}, for reasons. */
  private static String field(TargetKind kind) {
    switch (kind) {
      case LABEL:
        return "label";
      case LABELS:
        return "labels";
      default:
        return "targets";
    }
  }

  private static IllegalStateException unknownLoss(ModelSpec spec) {
    return new IllegalStateException("unknown loss '" + spec.loss() + "'");
  }

  private static Rejection reject(String reason) {
    return Rejection.validate(reason);
  }
}
