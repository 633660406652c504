package io.kafkamlp.sample;

/**
 * What a labeled record carries, which decides what it is for: {@link #NONE} is a prediction
 * request, the others are training or validation samples.
 *
 * <p>The constants' order is part of the binary sample format ({@link SampleCodec}): the kind byte
 * holds 0 for {@code NONE}, 1 for {@code LABEL}, 2 for {@code LABELS}, 3 for {@code TARGETS}. Do
 * not reorder.
 */
public enum TargetKind {
  /** No label or target: a prediction request. JSON: none of the four target fields. */
  NONE,
  /** One class index, for the softmax and svm losses. JSON: {@code "label": 3}. */
  LABEL,
  /**
   * Any number of distinct label indices, for the multilabel loss. JSON: {@code "labels": [1, 4]}.
   */
  LABELS,
  /** Real-valued regression targets, for the l2 and l1 losses. JSON: {@code "target"/"targets"}. */
  TARGETS
}
