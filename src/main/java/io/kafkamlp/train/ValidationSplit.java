package io.kafkamlp.train;

import org.apache.kafka.common.utils.Utils;

/**
 * Chooses validation records by a hash of their key, so a record is validation data or training
 * data for good, whichever instance sees it and however often it is replayed.
 */
public final class ValidationSplit {

  private static final int BUCKETS = 10_000;

  private final int validationBuckets;

  /**
   * @param fraction share of keys that are validation data, in [0, 1)
   */
  public ValidationSplit(double fraction) {
    this.validationBuckets = (int) Math.round(fraction * BUCKETS);
  }

  /** Whether the record with this key is validation data; records without a key never are. */
  public boolean isValidation(byte[] key) {
    if (key == null || validationBuckets == 0) {
      return false;
    }
    return Utils.toPositive(Utils.murmur2(key)) % BUCKETS < validationBuckets;
  }
}
