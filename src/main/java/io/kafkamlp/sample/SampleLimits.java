package io.kafkamlp.sample;

/**
 * How big a sample record may be, checked by {@link SampleCodec#parse(byte[], SampleLimits)} before
 * anything is allocated for it: the record's length on its raw bytes, before parsing; the feature
 * count from the binary header before the array is read, and while streaming JSON, so the parser
 * stops at the first feature over the limit.
 *
 * <p>{@code maxFeatures} bounds every numeric array of a record: {@code features}, and {@code
 * labels} or {@code targets}.
 *
 * @param maxRecordBytes longest record, in bytes, at least 1
 * @param maxFeatures most features (and labels or targets) in one record, at least 1
 */
public record SampleLimits(int maxRecordBytes, int maxFeatures) {

  /** Default {@link #maxRecordBytes}: 1 MiB, the Kafka broker's default largest message. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  /** Default {@link #maxFeatures}: 65,536 (a 256x256 image). */
  public static final int DEFAULT_MAX_FEATURES = 1 << 16;

  /** Largest {@link #maxRecordBytes} a user may configure: 1 GiB. */
  public static final int LARGEST_MAX_RECORD_BYTES = 1 << 30;

  /** The defaults: 1 MiB and 65,536 features. */
  public static final SampleLimits DEFAULTS =
      new SampleLimits(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_FEATURES);

  /**
   * No limits beyond the JVM's: only for records the application wrote itself from samples that
   * passed the configured limits (the trainer's repartitioned records and replay log), never for
   * input.
   */
  public static final SampleLimits NONE = new SampleLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

  /**
   * @throws IllegalArgumentException if a limit is below 1
   */
  public SampleLimits {
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("max record bytes must be at least 1: " + maxRecordBytes);
    }
    if (maxFeatures < 1) {
      throw new IllegalArgumentException("max features must be at least 1: " + maxFeatures);
    }
  }

  /**
   * Limits a user configured, checked against sensible bounds.
   *
   * @throws IllegalArgumentException naming the key ({@code max-record-bytes}, {@code
   *     max-features}) when {@code maxRecordBytes} is outside [16, {@link
   *     #LARGEST_MAX_RECORD_BYTES}] (16 bytes hold the smallest sample) or {@code maxFeatures} is
   *     below 1
   */
  public static SampleLimits configured(int maxRecordBytes, int maxFeatures) {
    if (maxRecordBytes < 16 || maxRecordBytes > LARGEST_MAX_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "max-record-bytes must be in [16, "
              + LARGEST_MAX_RECORD_BYTES
              + "], got "
              + maxRecordBytes);
    }
    if (maxFeatures < 1) {
      throw new IllegalArgumentException("max-features must be at least 1, got " + maxFeatures);
    }
    return new SampleLimits(maxRecordBytes, maxFeatures);
  }
}
