package io.kafkamlp.data;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV file of numbers into samples, one sample a line.
 *
 * <p>Rules, with the {@link CsvOptions}:
 *
 * <ul>
 *   <li>UTF-8 (a leading byte-order mark is skipped); blank lines are skipped (but counted in line
 *       numbers); fields are trimmed, and a field wrapped in double quotes loses them (no escapes,
 *       no delimiters inside quotes).
 *   <li>A header is the first non-blank line when {@link CsvOptions.Header#PRESENT}, or when {@link
 *       CsvOptions.Header#AUTO} and that line has a field that is not a number. It is skipped.
 *   <li>Every line has the column count of the first non-blank line (header or data).
 *   <li>Features are finite decimal numbers that fit a float ({@code 1}, {@code -2.5}, {@code
 *       3e-4}); {@code NaN}, {@code Infinity}, hexadecimal and suffixed ({@code 1f}) forms are
 *       errors, as in the sample pipeline, where no bad value may reach a model.
 *   <li>The label column ({@link CsvOptions#labelColumn()}, the last by default) holds a whole
 *       number 0 .. 2^24 ({@code 3} or {@code 3.0}) and gives a {@link TargetKind#LABEL} sample,
 *       or, with {@link TargetKind#TARGETS}, a finite number giving a one-target regression sample.
 *       With {@link CsvOptions#NO_LABEL} every column is a feature and samples are {@link
 *       TargetKind#NONE}.
 * </ul>
 *
 * <p>The first bad line stops the read with a {@link CsvFormatException} naming the line (1-based)
 * and column.
 */
public final class CsvReader {

  /** The largest label a float holds exactly, as {@link Sample} requires. */
  private static final int MAX_LABEL = 1 << 24;

  private static final float[] NO_TARGETS = new float[0];

  private CsvReader() {}

  /**
   * Reads every line of a UTF-8 file.
   *
   * @throws CsvFormatException on the first line that is not a valid sample
   * @throws IOException when the file cannot be read
   */
  public static List<Sample> read(Path file, CsvOptions options) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString(), options);
    }
  }

  /**
   * Reads every line of {@code reader}, which it does not close.
   *
   * @param source what to call the input in error messages, such as its file name
   * @throws CsvFormatException on the first line that is not a valid sample
   * @throws IOException when reading fails
   */
  public static List<Sample> read(Reader reader, String source, CsvOptions options)
      throws IOException {
    BufferedReader lines =
        reader instanceof BufferedReader buffered ? buffered : new BufferedReader(reader);
    List<Sample> samples = new ArrayList<>();
    char delimiter = options.delimiter();
    int columns = -1;
    int labelColumn = -1;
    long number = 0;
    String[] fields = null;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (number == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      if (columns < 0) {
        fields = split(line, delimiter, null);
        columns = fields.length;
        labelColumn = labelColumn(options, columns, source, number);
        if (isHeader(fields, options.header())) {
          continue;
        }
      } else {
        fields = split(line, delimiter, fields);
        if (fields == null) {
          throw new CsvFormatException(
              source,
              number,
              "has "
                  + count(line, delimiter)
                  + " columns, expected "
                  + columns
                  + " as the first line");
        }
      }
      samples.add(sample(fields, labelColumn, options, source, number));
    }
    return samples;
  }

  private static int labelColumn(CsvOptions options, int columns, String source, long number)
      throws CsvFormatException {
    int label =
        options.labelColumn() == CsvOptions.LAST_COLUMN ? columns - 1 : options.labelColumn();
    int features = label == CsvOptions.NO_LABEL ? columns : columns - 1;
    if (label >= columns) {
      throw new CsvFormatException(
          source,
          number,
          "label column index " + label + ", but there are " + columns + " columns");
    }
    if (features < 1) {
      throw new CsvFormatException(source, number, "no feature column in " + columns + " columns");
    }
    return label;
  }

  private static boolean isHeader(String[] fields, CsvOptions.Header header) {
    switch (header) {
      case PRESENT:
        return true;
      case ABSENT:
        return false;
      case AUTO:
        for (String field : fields) {
          if (!isNumber(field)) {
            return true;
          }
        }
        return false;
      default:
        throw new AssertionError(header);
    }
  }

  private static Sample sample(
      String[] fields, int labelColumn, CsvOptions options, String source, long number)
      throws CsvFormatException {
    float[] features = new float[labelColumn < 0 ? fields.length : fields.length - 1];
    int f = 0;
    for (int c = 0; c < fields.length; c++) {
      if (c != labelColumn) {
        features[f++] = parseFloat(fields[c], source, number, c);
      }
    }
    if (labelColumn < 0) {
      return new Sample(options.model(), features, TargetKind.NONE, NO_TARGETS);
    }
    double target = parseNumber(fields[labelColumn], source, number, labelColumn);
    if (options.targetKind() == TargetKind.LABEL
        && !(target >= 0 && target <= MAX_LABEL && target == Math.rint(target))) {
      throw new CsvFormatException(
          source,
          number,
          labelColumn,
          "label '" + fields[labelColumn] + "' is not a whole number in 0.." + MAX_LABEL);
    }
    return new Sample(
        options.model(), features, options.targetKind(), new float[] {(float) target});
  }

  private static float parseFloat(String field, String source, long number, int column)
      throws CsvFormatException {
    return (float) parseNumber(field, source, number, column);
  }

  /** The field's value, checked to be a finite decimal number within the float range. */
  private static double parseNumber(String field, String source, long number, int column)
      throws CsvFormatException {
    if (field.isEmpty()) {
      throw new CsvFormatException(source, number, column, "empty value");
    }
    if (!isNumber(field)) {
      throw new CsvFormatException(
          source, number, column, "'" + field + "' is not a finite decimal number");
    }
    double value = Double.parseDouble(field);
    if (!Float.isFinite((float) value)) {
      throw new CsvFormatException(source, number, column, "'" + field + "' overflows a float");
    }
    return value;
  }

  /**
   * Whether a trimmed field is a finite decimal number: {@code [+-]digits[.digits][e[+-]digits]}.
   */
  static boolean isNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The trimmed, unquoted fields of a line. With {@code reuse} (the previous line's array), returns
   * null when the line has another number of fields; the array is reused since each sample copies
   * what it needs into its own feature array.
   */
  private static String[] split(String line, char delimiter, String[] reuse) {
    String[] fields;
    if (reuse == null) {
      fields = new String[count(line, delimiter)];
    } else if (count(line, delimiter) != reuse.length) {
      return null;
    } else {
      fields = reuse;
    }
    int start = 0;
    for (int k = 0; k < fields.length; k++) {
      int end = line.indexOf(delimiter, start);
      if (end < 0) {
        end = line.length();
      }
      fields[k] = unquote(line.substring(start, end).trim());
      start = end + 1;
    }
    return fields;
  }

  private static int count(String line, char delimiter) {
    int n = 1;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == delimiter) {
        n++;
      }
    }
    return n;
  }

  private static String unquote(String field) {
    if (field.length() >= 2 && field.charAt(0) == '"' && field.charAt(field.length() - 1) == '"') {
      return field.substring(1, field.length() - 1).trim();
    }
    return field;
  }
}
