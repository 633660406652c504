package io.kafkamlp.data;

import java.io.IOException;

/**
 * A CSV line {@link CsvReader} cannot turn into a sample. The message names the source, the line
 * and, where one is at fault, the column: {@code "iris.csv line 7, column 3 (index 2): 'abc' is not
 * a finite decimal number"}.
 */
public final class CsvFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final long line;

  CsvFormatException(String source, long line, String problem) {
    super(source + " line " + line + ": " + problem);
    this.line = line;
  }

  CsvFormatException(String source, long line, int column, String problem) {
    super(
        source
            + " line "
            + line
            + ", column "
            + (column + 1)
            + " (index "
            + column
            + "): "
            + problem);
    this.line = line;
  }

  /** The 1-based number of the bad line. */
  public long line() {
    return line;
  }
}
