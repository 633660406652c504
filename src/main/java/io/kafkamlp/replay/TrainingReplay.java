package io.kafkamlp.replay;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.train.ValidationSplit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A training set sent to the {@code samples} topic as labeled records, {@code passes} times over,
 * in one format. Sample {@code i} has key {@code train-<i>} in every pass, so it keeps its
 * train/validation split ({@link ValidationSplit}) from pass to pass.
 *
 * <p>Immutable; the sample list is held, not copied. {@link #produce} may run on any thread.
 */
public final class TrainingReplay {

  private final List<Sample> samples;
  private final int passes;
  private final SampleFormat format;

  /**
   * @param samples the labeled samples of one pass, in the order sent
   * @param passes how many times the whole list is sent, at least 1
   * @param format the records' format
   */
  public TrainingReplay(List<Sample> samples, int passes, SampleFormat format) {
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be at least 1: " + passes);
    }
    this.samples = samples;
    this.passes = passes;
    this.format = format;
  }

  /** The key of training sample {@code index}: {@code train-<index>}, UTF-8. */
  public static byte[] key(int index) {
    return ("train-" + index).getBytes(StandardCharsets.UTF_8);
  }

  /** Records {@link #produce} sends: samples per pass times passes. */
  public long records() {
    return (long) samples.size() * passes;
  }

  /** Samples per pass. */
  public int samplesPerPass() {
    return samples.size();
  }

  /** Passes over the samples. */
  public int passes() {
    return passes;
  }

  /** The records' format. */
  public SampleFormat format() {
    return format;
  }

  /**
   * Training samples a trainer will have learned once it has read every record: the records whose
   * key the split keeps for training, in whole batches (a last partial batch waits for more).
   *
   * @param validationFraction the trainer's share of validation records
   * @param batchSize the model's mini-batch size
   */
  public long expectedTrained(double validationFraction, int batchSize) {
    ValidationSplit split = new ValidationSplit(validationFraction);
    long training = 0;
    for (int i = 0; i < samples.size(); i++) {
      training += split.isValidation(key(i)) ? 0 : 1;
    }
    return training * passes / batchSize * batchSize;
  }

  /** When a {@link #produce} call sent its first record and when its last was acknowledged. */
  public record Produced(long records, long firstSendMillis, long doneMillis) {
    /** Seconds from the first send to the last acknowledgement. */
    public double seconds() {
      return (doneMillis - firstSendMillis) / 1e3;
    }
  }

  /**
   * Sends every record at full speed with {@link ReplayClients#bulkProducer} and returns once all
   * are acknowledged. Each sample is encoded when it is first sent, as a client encodes an event
   * once; later passes send the same bytes again (held in memory for them: about 3.8 KB a
   * Fashion-MNIST sample in JSON, 3.2 KB in binary).
   *
   * @param clientConfig base client properties: the bootstrap servers and connection settings
   * @throws org.apache.kafka.common.KafkaException if the producer fails
   */
  public Produced produce(Properties clientConfig) {
    try (KafkaProducer<byte[], byte[]> producer = ReplayClients.bulkProducer(clientConfig)) {
      long first = System.currentTimeMillis();
      byte[][] encoded = passes > 1 ? new byte[samples.size()][] : null;
      for (int pass = 0; pass < passes; pass++) {
        for (int i = 0; i < samples.size(); i++) {
          byte[] value = pass == 0 ? format.encode(samples.get(i)) : encoded[i];
          if (pass == 0 && encoded != null) {
            encoded[i] = value;
          }
          producer.send(new ProducerRecord<>(Topics.SAMPLES, key(i), value));
        }
      }
      producer.flush();
      return new Produced(records(), first, System.currentTimeMillis());
    }
  }
}
