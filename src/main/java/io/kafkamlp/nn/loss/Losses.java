package io.kafkamlp.nn.loss;

/** Factory of the losses, by method or by spec name. */
public final class Losses {

  /** The names {@link #byName} accepts. */
  public static final String NAMES = "softmax|svm|multilabel|l2|l1";

  private Losses() {}

  /** Softmax cross-entropy, one class per sample. */
  public static Loss softmax() {
    return new SoftmaxCrossEntropy();
  }

  /** Multiclass SVM hinge loss with margin 1, one class per sample. */
  public static Loss svm() {
    return new MulticlassHinge();
  }

  /** Independent sigmoid cross-entropy per label, any number of labels per sample. */
  public static Loss multiLabel() {
    return new MultiLabelSigmoid();
  }

  /** Squared L2 regression loss. */
  public static Loss l2() {
    return new Regression(false);
  }

  /** L1 regression loss. */
  public static Loss l1() {
    return new Regression(true);
  }

  /** The loss named {@code name}; IllegalArgumentException listing valid names otherwise. */
  public static Loss byName(String name) {
    switch (name) {
      case "softmax":
        return softmax();
      case "svm":
        return svm();
      case "multilabel":
        return multiLabel();
      case "l2":
        return l2();
      case "l1":
        return l1();
      default:
        throw new IllegalArgumentException("unknown loss '" + name + "', expected one of " + NAMES);
    }
  }
}
