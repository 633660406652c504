package io.kafkamlp.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Measures test accuracy through a running pipeline: sends a labeled test set as unlabeled requests
 * (keys {@code test-<i>}) and compares the answers on the {@code predictions} topic with the
 * labels.
 */
public final class TestScorer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestScorer() {}

  /**
   * The outcome of one scoring.
   *
   * @param total requests sent, all answered
   * @param correct answers whose predicted class is the label; a {@code no-model-yet} answer is
   *     never correct
   * @param minVersion lowest model version among the answers ({@code Long.MAX_VALUE} if none had a
   *     model)
   * @param maxVersion highest model version among the answers (0 if none had a model)
   */
  public record Score(int total, int correct, long minVersion, long maxVersion) {
    /** Correct answers over requests. */
    public double accuracy() {
      return total == 0 ? Double.NaN : correct / (double) total;
    }
  }

  /** The most scorings {@link #scoreFrom} makes. */
  static final int ATTEMPTS = 3;

  /**
   * {@link #score}, repeated until every answer came from model version {@code version} or later,
   * at most {@value #ATTEMPTS} times: a server updates its models from the snapshot topic a moment
   * after a snapshot is published, and answers in between come from the model before.
   *
   * @param version the version of the model to score, usually the last snapshot's
   * @return the last scoring; its {@link Score#minVersion()} is below {@code version} only when
   *     every attempt met an older model
   */
  public static Score scoreFrom(
      long version,
      Properties clientConfig,
      List<Sample> test,
      SampleFormat format,
      Duration timeout)
      throws IOException {
    Score score = score(clientConfig, test, format, timeout);
    for (int attempt = 1; attempt < ATTEMPTS && score.minVersion() < version; attempt++) {
      score = score(clientConfig, test, format, timeout);
    }
    return score;
  }

  /**
   * Sends {@code test} as prediction requests for the default model's single-label loss and waits
   * for every answer. Answers already on the topic before the call are ignored.
   *
   * @param clientConfig base client properties: the bootstrap servers and connection settings
   * @param test labeled samples ({@link TargetKind#LABEL})
   * @param timeout longest wait for the answers
   * @throws IllegalStateException if not every request is answered within {@code timeout}
   * @throws IOException if an answer is not JSON
   */
  public static Score score(
      Properties clientConfig, List<Sample> test, SampleFormat format, Duration timeout)
      throws IOException {
    try (KafkaConsumer<byte[], byte[]> consumer = ReplayClients.committedConsumer(clientConfig)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.PREDICTIONS).stream()
              .map(p -> new TopicPartition(Topics.PREDICTIONS, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      Map<String, Integer> truth = new HashMap<>();
      try (KafkaProducer<byte[], byte[]> producer = ReplayClients.bulkProducer(clientConfig)) {
        for (int i = 0; i < test.size(); i++) {
          Sample s = test.get(i);
          String key = "test-" + i;
          truth.put(key, s.label());
          Sample request = new Sample(s.model(), s.features(), TargetKind.NONE, new float[0]);
          producer.send(
              new ProducerRecord<>(
                  Topics.SAMPLES, key.getBytes(StandardCharsets.UTF_8), format.encode(request)));
        }
      }
      int answered = 0;
      int correct = 0;
      long minVersion = Long.MAX_VALUE;
      long maxVersion = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (answered < test.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode answer = JSON.readTree(r.value());
          Integer label = truth.remove(answer.path("id").asText());
          if (label == null) {
            continue;
          }
          answered++;
          if (answer.has("predicted")) {
            correct += answer.get("predicted").asInt() == label ? 1 : 0;
            minVersion = Math.min(minVersion, answer.get("modelVersion").asLong());
            maxVersion = Math.max(maxVersion, answer.get("modelVersion").asLong());
          }
        }
      }
      if (answered < test.size()) {
        throw new IllegalStateException(
            "only " + answered + " of " + test.size() + " predictions in " + timeout);
      }
      return new Score(test.size(), correct, minVersion, maxVersion);
    }
  }
}
