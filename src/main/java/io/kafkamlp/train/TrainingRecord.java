package io.kafkamlp.train;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import java.util.Arrays;

/**
 * A valid labeled sample on its way to its model's trainer, as the value of the repartitioned
 * stream (key: the model name) and of the replay log: one byte, 1 for validation data and 0 for
 * training data, then the sample in the binary format of {@link SampleCodec}.
 */
public record TrainingRecord(Sample sample, boolean validation) {

  public byte[] toBytes() {
    byte[] body = SampleCodec.toBinary(sample);
    byte[] bytes = new byte[body.length + 1];
    bytes[0] = (byte) (validation ? 1 : 0);
    System.arraycopy(body, 0, bytes, 1, body.length);
    return bytes;
  }

  public static TrainingRecord fromBytes(byte[] bytes) {
    if (bytes.length < 2 || (bytes[0] != 0 && bytes[0] != 1)) {
      throw new IllegalArgumentException("not a training record");
    }
    return new TrainingRecord(
        SampleCodec.parse(Arrays.copyOfRange(bytes, 1, bytes.length), SampleLimits.NONE),
        bytes[0] == 1);
  }
}
