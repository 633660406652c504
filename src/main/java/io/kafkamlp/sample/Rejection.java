package io.kafkamlp.sample;

import java.util.Objects;

/**
 * Why a record was refused. It becomes the headers {@code error.stage} and {@code error.reason} of
 * the record's copy on the dead-letter topic ({@code samples-dlq}), and the tag of the counter of
 * refused records.
 *
 * @param stage {@link #PARSE} (the bytes are not a sample) or {@link #VALIDATE} (a sample, but not
 *     one the model can take); never null
 * @param reason a short human sentence naming the problem, e.g. {@code "expected 784 features, got
 *     783"}; never null. Fragments copied from the record (field names, tokens) are clipped, so a
 *     reason stays short enough for a header
 */
public record Rejection(String stage, String reason) {

  /** Stage of a record that could not be read as a sample at all. */
  public static final String PARSE = "parse";

  /** Stage of a well-formed sample that does not fit its model. */
  public static final String VALIDATE = "validate";

  public Rejection {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
  }

  /** A rejection at stage {@link #PARSE}. */
  public static Rejection parse(String reason) {
    return new Rejection(PARSE, reason);
  }

  /** A rejection at stage {@link #VALIDATE}. */
  public static Rejection validate(String reason) {
    return new Rejection(VALIDATE, reason);
  }
}
