package io.kafkamlp.sample;

import java.util.Objects;

/**
 * Thrown by {@link SampleCodec#parse} for a record that is not a sample; carries the {@link
 * Rejection} to write on the dead-letter topic.
 *
 * <p>Bad input is expected traffic, not a bug, so this exception records no stack trace: throwing
 * it costs about as much as returning. The message is {@code "<stage>: <reason>"}.
 */
public final class RejectedSampleException extends RuntimeException {

  private final Rejection rejection;

  /** A rejection with no underlying exception. */
  public RejectedSampleException(Rejection rejection) {
    this(rejection, null);
  }

  /**
   * A rejection caused by {@code cause} (e.g. the JSON parser's exception), kept for debugging.
   *
   * @param cause may be null
   */
  public RejectedSampleException(Rejection rejection, Throwable cause) {
    super(
        Objects.requireNonNull(rejection, "rejection").stage() + ": " + rejection.reason(),
        cause,
        false,
        false);
    this.rejection = rejection;
  }

  /** Why the record was refused; never null. */
  public Rejection rejection() {
    return rejection;
  }
}
