package io.kafkamlp.train;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;

/**
 * A valid labeled sample on its way to its model's trainer, as the value the router forwards (key:
 * the model name), straight or through the repartition topic, and as the value of the replay log:
 * one byte, 1 for validation data and 0 for training data, then the sample in the binary format of
 * {@link SampleCodec}.
 */
public record TrainingRecord(Sample sample, boolean validation) {

  public byte[] toBytes() {
    byte[] bytes = SampleCodec.toBinary(sample, 1);
    bytes[0] = (byte) (validation ? 1 : 0);
    return bytes;
  }

  public static TrainingRecord fromBytes(byte[] bytes) {
    if (bytes.length < 2 || (bytes[0] != 0 && bytes[0] != 1)) {
      throw new IllegalArgumentException("not a training record");
    }
    return new TrainingRecord(SampleCodec.parseBinary(bytes, 1), bytes[0] == 1);
  }
}
