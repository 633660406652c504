package io.kafkamlp.bench;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.replay.ReplayClients;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TrainingReplay;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Serving latency while training: a fresh broker and pipeline, a labeled stream at a fixed rate
 * from the start (the training load), and, once the server answers with a model, prediction
 * requests at a fixed rate: first for a warm-up whose answers are not counted (a fresh JVM spends
 * its first tens of seconds compiling, on the cores the pipeline needs), then for a fixed time.
 * Latency is from the request record's timestamp (set by its producer at send, {@code linger.ms=0})
 * to the prediction's arrival at a consumer ({@link LatencyCollector}). Both streams are open loop
 * ({@link PacedSender}).
 */
public final class Serving {

  private static final String REQUEST_PREFIX = "req-";
  private static final String PROBE_PREFIX = "probe-";
  private static final String WARMUP_PREFIX = "warm-";

  private Serving() {}

  /**
   * One serving run.
   *
   * @param format the requests' and the labeled stream's format
   * @param requests requests sent in the measured window
   * @param requestsPerSecond the rate they were sent at
   * @param answered requests answered by a model
   * @param noModelYet requests answered {@code no-model-yet}
   * @param p50Millis median latency of the answered requests; -1 if none was
   * @param p99Millis 99th percentile (nearest rank); -1 if none was
   * @param maxMillis the largest; -1 if none was
   * @param offeredTrainingRate labeled records per second sent meanwhile
   * @param trainingSamplesPerSecond samples the model learned per second during the window
   * @param memory the pipeline JVM's peaks
   */
  public record Run(
      SampleFormat format,
      int requests,
      double requestsPerSecond,
      int answered,
      int noModelYet,
      long p50Millis,
      long p99Millis,
      long maxMillis,
      double offeredTrainingRate,
      double trainingSamplesPerSecond,
      MemoryPeak memory) {}

  /**
   * Runs the measurement in {@code dir}.
   *
   * @param train labeled samples, sent in turn at {@code trainingRate} from the start to the end
   * @param requestSamples features of the requests, used in turn
   * @param rate requests per second
   * @param warmup how long requests are sent, uncounted, before the measured window
   * @param duration how long requests are sent in the measured window
   * @throws IllegalStateException if the pipeline does not start or never answers with a model
   */
  public static Run run(
      BenchSettings settings,
      List<Sample> train,
      List<Sample> requestSamples,
      SampleFormat format,
      double trainingRate,
      int rate,
      Duration warmup,
      Duration duration,
      Path dir)
      throws Exception {
    try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"), List.of());
        PipelineProcess pipeline =
            PipelineProcess.start(
                broker.bootstrapServers(), settings.pipelineHeap(), dir.resolve("pipeline"));
        MetricsSampler sampler =
            new MetricsSampler(pipeline.metricsUri(), settings.scrapeInterval())) {
      String bootstrap = broker.bootstrapServers();
      pipeline.awaitReady(sampler, settings.timeout());
      AtomicBoolean stopTraining = new AtomicBoolean();
      CompletableFuture<Double> training =
          Background.start(
              "bench-training-stream",
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    ReplayClients.bulkProducer(ReplayClients.plain(bootstrap))) {
                  return PacedSender.send(
                      producer,
                      i -> labeled(train.get(i % train.size()), i % train.size(), format),
                      trainingRate,
                      Integer.MAX_VALUE,
                      stopTraining::get);
                }
              });
      try (LatencyCollector collector =
              new LatencyCollector(bootstrap, REQUEST_PREFIX, PROBE_PREFIX);
          KafkaProducer<byte[], byte[]> producer = requestProducer(bootstrap)) {
        awaitModel(producer, collector, requestSamples, format, settings.timeout());
        PacedSender.send(
            producer,
            i -> request(WARMUP_PREFIX + i, requestSamples.get(i % requestSamples.size()), format),
            rate,
            (int) Math.round(rate * warmup.toMillis() / 1e3),
            () -> false);
        double trainedBefore = sampler.trained();
        int n = (int) Math.round(rate * duration.toMillis() / 1e3);
        double seconds =
            PacedSender.send(
                producer,
                i ->
                    request(
                        REQUEST_PREFIX + i, requestSamples.get(i % requestSamples.size()), format),
                rate,
                n,
                () -> false);
        double trainedDuring = sampler.trained() - trainedBefore;
        stopTraining.set(true);
        producer.flush();
        collector.awaitAnswers(n, Duration.ofSeconds(30));
        training.get();
        long[] latencies = collector.latencies();
        return new Run(
            format,
            n,
            n / seconds,
            latencies.length,
            collector.noModelYet(),
            latencies.length == 0 ? -1 : Stats.percentile(latencies, 50),
            latencies.length == 0 ? -1 : Stats.percentile(latencies, 99),
            latencies.length == 0 ? -1 : Stats.percentile(latencies, 100),
            trainingRate,
            trainedDuring / seconds,
            MemoryPeak.of(sampler, pipeline));
      } finally {
        stopTraining.set(true);
      }
    }
  }

  /** Sends a probe every 200 ms until one is answered by a model. */
  private static void awaitModel(
      KafkaProducer<byte[], byte[]> producer,
      LatencyCollector collector,
      List<Sample> samples,
      SampleFormat format,
      Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; !collector.probeAnswered(); i++) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the server did not answer with a model in " + timeout);
      }
      producer.send(request(PROBE_PREFIX + i, samples.get(i % samples.size()), format));
      Thread.sleep(200);
    }
  }

  /** A prediction request: {@code sample}'s features, unlabeled. */
  private static ProducerRecord<byte[], byte[]> request(
      String key, Sample sample, SampleFormat format) {
    Sample request = new Sample(sample.model(), sample.features(), TargetKind.NONE, new float[0]);
    return new ProducerRecord<>(
        Topics.SAMPLES, key.getBytes(StandardCharsets.UTF_8), format.encode(request));
  }

  /** Training sample {@code index} as {@link TrainingReplay} sends it. */
  private static ProducerRecord<byte[], byte[]> labeled(
      Sample sample, int index, SampleFormat format) {
    return new ProducerRecord<>(Topics.SAMPLES, TrainingReplay.key(index), format.encode(sample));
  }

  /** A client sending each request at once ({@code linger.ms=0}), otherwise Kafka's defaults. */
  private static KafkaProducer<byte[], byte[]> requestProducer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
