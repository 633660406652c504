package io.kafkamlp.data;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.util.Objects;

/**
 * How {@link CsvReader} reads a file: which column is the label, whether the first line is a
 * header, the model the samples are for, and the delimiter. Immutable; start from {@link
 * #defaults()} and change what differs:
 *
 * <pre>{@code
 * CsvOptions.defaults().withModel("iris").withLabelColumn(0)
 * }</pre>
 *
 * @param model the model every sample is for
 * @param labelColumn the 0-based index of the label column, {@link #LAST_COLUMN} for the last one,
 *     or {@link #NO_LABEL} when every column is a feature (prediction requests)
 * @param targetKind {@link TargetKind#LABEL} (the label column holds class indices, whole numbers 0
 *     .. 2^24) or {@link TargetKind#TARGETS} (it holds one real-valued regression target)
 * @param header whether the first non-blank line is a header
 * @param delimiter the field separator
 */
public record CsvOptions(
    String model, int labelColumn, TargetKind targetKind, Header header, char delimiter) {

  /** {@code labelColumn} for "the last column". */
  public static final int LAST_COLUMN = -2;

  /** {@code labelColumn} for "no label column": the samples are unlabeled. */
  public static final int NO_LABEL = -1;

  /** Whether a file starts with a header line. */
  public enum Header {
    /** A header when the first non-blank line has a field that is not a number. */
    AUTO,
    /** The first non-blank line is a header, whatever it holds. */
    PRESENT,
    /** No header: the first non-blank line is data (and an error if not numeric). */
    ABSENT
  }

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the model is empty, {@code labelColumn < -2}, {@code
   *     targetKind} is neither LABEL nor TARGETS, or the delimiter is a character of numbers, a
   *     quote or a line break
   */
  public CsvOptions {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(targetKind, "targetKind");
    Objects.requireNonNull(header, "header");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("model must not be empty");
    }
    if (labelColumn < LAST_COLUMN) {
      throw new IllegalArgumentException(
          "labelColumn must be a column index, LAST_COLUMN or NO_LABEL, got " + labelColumn);
    }
    if (targetKind != TargetKind.LABEL && targetKind != TargetKind.TARGETS) {
      throw new IllegalArgumentException("targetKind must be LABEL or TARGETS, got " + targetKind);
    }
    if ("0123456789+-.eE\"\r\n".indexOf(delimiter) >= 0) {
      throw new IllegalArgumentException("unusable delimiter '" + delimiter + "'");
    }
  }

  /**
   * Model {@link Sample#DEFAULT_MODEL}, label in the last column holding class indices, header
   * auto-detected, comma-separated.
   */
  public static CsvOptions defaults() {
    return new CsvOptions(Sample.DEFAULT_MODEL, LAST_COLUMN, TargetKind.LABEL, Header.AUTO, ',');
  }

  public CsvOptions withModel(String model) {
    return new CsvOptions(model, labelColumn, targetKind, header, delimiter);
  }

  /** A 0-based column index, {@link #LAST_COLUMN} or {@link #NO_LABEL}. */
  public CsvOptions withLabelColumn(int labelColumn) {
    return new CsvOptions(model, labelColumn, targetKind, header, delimiter);
  }

  /** Every column a feature; the samples are {@link TargetKind#NONE} (prediction requests). */
  public CsvOptions unlabeled() {
    return withLabelColumn(NO_LABEL);
  }

  /** {@link TargetKind#LABEL} or {@link TargetKind#TARGETS}. */
  public CsvOptions withTargetKind(TargetKind targetKind) {
    return new CsvOptions(model, labelColumn, targetKind, header, delimiter);
  }

  public CsvOptions withHeader(Header header) {
    return new CsvOptions(model, labelColumn, targetKind, header, delimiter);
  }

  public CsvOptions withDelimiter(char delimiter) {
    return new CsvOptions(model, labelColumn, targetKind, header, delimiter);
  }
}
