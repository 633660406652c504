package io.kafkamlp.bench;

import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.replay.ReplayClients;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TrainingReplay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Kafka's own limit on this machine: a Kafka Streams application that copies the {@code samples}
 * topic to {@link #OUTPUT} and does nothing else, with the trainer's config, fed the same records
 * the same way as the end-to-end runs (produced concurrently at full speed).
 *
 * <p>The rate is records / (the last output record's broker append time - the first record's send
 * time): {@link #OUTPUT} has {@code message.timestamp.type=LogAppendTime}, so the output's
 * timestamps say when the application wrote each record, however late it is read.
 *
 * <p>Everything runs in this JVM (broker, producer, application, and the consumer that reads the
 * copies back), so its CPU time from the first send to the last copy read is Kafka's CPU cost of
 * moving the records: an upper estimate of what the pipeline cannot avoid, as the passthrough
 * writes each record once more and reads it back.
 */
public final class Passthrough {

  /** The output topic: {@code samples}' partitions, append-time timestamps. */
  public static final String OUTPUT = "bench-passthrough";

  private static final String APPLICATION_ID = "bench-passthrough";

  private Passthrough() {}

  /**
   * One passthrough run.
   *
   * @param format the records' format
   * @param records records copied
   * @param seconds from the first send to the last copy
   * @param producerSeconds from the first send to the last acknowledgement
   * @param cpuSeconds this JVM's CPU time from just before the first send to the last copy read;
   *     NaN when not known
   */
  public record Run(
      SampleFormat format,
      long records,
      double seconds,
      double producerSeconds,
      double cpuSeconds) {
    /** Records copied per second. */
    public double recordsPerSecond() {
      return records / seconds;
    }

    /** Microseconds of CPU per record copied. */
    public double cpuMicrosPerRecord() {
      return CpuUse.microsPer(cpuSeconds, records);
    }
  }

  /** {@code samples} to {@link #OUTPUT}, bytes as they are. */
  public static Topology topology() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.SAMPLES, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(OUTPUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return builder.build();
  }

  /**
   * Runs the passthrough on a fresh broker in {@code dir} while {@code replay} is produced.
   *
   * @throws IllegalStateException if the application does not start, or does not copy every record
   *     within the timeout
   */
  public static Run run(
      BenchSettings settings, StreamsConfigSource config, TrainingReplay replay, Path dir)
      throws Exception {
    Path stateDir = dir.resolve("state");
    String requestBytes = largestRequest(config.config("", APPLICATION_ID, stateDir));
    try (BenchBroker broker =
        BenchBroker.start(dir.resolve("broker"), List.of(outputTopic(requestBytes)))) {
      String bootstrap = broker.bootstrapServers();
      KafkaStreams streams =
          new KafkaStreams(topology(), config.config(bootstrap, APPLICATION_ID, stateDir));
      CountDownLatch running = new CountDownLatch(1);
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
              running.countDown();
            }
          });
      try {
        streams.start();
        if (!running.await(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("the passthrough did not start: " + streams.state());
        }
        double cpuBefore = CpuUse.thisJvmSeconds();
        CompletableFuture<TrainingReplay.Produced> produced =
            Background.start(
                "bench-producer", () -> replay.produce(ReplayClients.plain(bootstrap)));
        long lastAppend = awaitCopies(bootstrap, replay.records(), produced, settings.timeout());
        double cpuSeconds = CpuUse.thisJvmSeconds() - cpuBefore;
        TrainingReplay.Produced sent = produced.get();
        return new Run(
            replay.format(),
            replay.records(),
            (lastAppend - sent.firstSendMillis()) / 1e3,
            sent.seconds(),
            cpuSeconds);
      } finally {
        streams.close(Duration.ofSeconds(30));
      }
    }
  }

  /**
   * The largest request the application's producer may send ({@code max.request.size}, a batch
   * included), as a topic config value; null if the config leaves the client's default (1 MiB,
   * which the broker's default takes).
   */
  public static String largestRequest(Properties streamsConfig) {
    Object bytes =
        streamsConfig.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    return bytes == null ? null : bytes.toString();
  }

  /**
   * {@link #OUTPUT}: {@code samples}' partitions and configs, append-time timestamps, and batches
   * as large as the application's producer sends ({@code requestBytes}, unless null) taken whole,
   * as the pipeline's own topics take them. With the broker's 1 MiB default the trainer's 2 MiB
   * batches were refused, split and sent again: 1,208 times over one full run's passthroughs
   * (2026-12-01, a16d8b5).
   */
  public static TopicDeclaration outputTopic(String requestBytes) {
    TopicDeclaration samples =
        TopicDeclaration.load().stream()
            .filter(t -> t.name().equals(Topics.SAMPLES))
            .findFirst()
            .orElseThrow();
    TopicDeclaration output =
        new TopicDeclaration(
                OUTPUT, samples.partitions(), samples.replicationFactor(), samples.configs())
            .withConfig("message.timestamp.type", "LogAppendTime");
    return requestBytes == null
        ? output
        : output.withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, requestBytes);
  }

  /**
   * Reads {@link #OUTPUT} until {@code expected} records came and returns their latest timestamp;
   * fails at once if {@code produced} failed.
   */
  private static long awaitCopies(
      String bootstrap, long expected, CompletableFuture<?> produced, Duration timeout)
      throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer =
        ReplayClients.committedConsumer(ReplayClients.plain(bootstrap))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(OUTPUT).stream()
              .map(p -> new TopicPartition(OUTPUT, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long seen = 0;
      long latest = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (seen < expected) {
        if (produced.isCompletedExceptionally()) {
          produced.get(); // throws the producer's failure
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the passthrough copied " + seen + " of " + expected + " records in " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          seen++;
          latest = Math.max(latest, r.timestamp());
        }
      }
      return latest;
    }
  }
}
