package io.kafkamlp.bench;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.replay.ReplayClients;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TrainingReplay;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Serving latency while training: a fresh broker and pipeline, a labeled stream at a fixed rate
 * from the start (the training load), and, once the server answers with a model, prediction
 * requests at a fixed rate: first for a warm-up (a fresh JVM spends its first minute or two
 * compiling, on the cores the pipeline needs), then for a measured window. Two windows of the same
 * stream of requests are reported: the {@linkplain Run#steady steady} one after the warm-up, what a
 * long-running server answers, and the {@linkplain Run#start start}, the first {@link
 * #START_WINDOW} of the warm-up, what a freshly started pipeline answers, also in slices of {@link
 * #START_SLICE} (a backlog of the first seconds or slow answers throughout). Latency is from the
 * request record's timestamp (set by its producer at send, {@code linger.ms=0}) to the prediction's
 * arrival at a consumer ({@link LatencyCollector}). Both streams are open loop ({@link
 * PacedSender}).
 */
public final class Serving {

  /** The start window: the requests sent this long after the server first answered with a model. */
  public static final Duration START_WINDOW = Duration.ofSeconds(30);

  /**
   * The start window is also reported in slices this long: whether its p99 is a backlog of the
   * first seconds, drained since, or slow answers throughout.
   */
  public static final Duration START_SLICE = Duration.ofSeconds(5);

  /**
   * Each run's every request, in its folder: number, when it was due, its latency and when its
   * answer arrived ({@link RequestLatencies#writeCsv}), to see when in a run the slow answers came
   * and set them beside the run's other logs.
   */
  public static final String LATENCIES_FILE = "latencies.csv";

  private static final String REQUEST_PREFIX = "req-";
  private static final String PROBE_PREFIX = "probe-";

  private Serving() {}

  /**
   * One serving run.
   *
   * @param format the requests' and the labeled stream's format
   * @param requestsPerSecond the rate requests were sent at in the steady window
   * @param warmupSeconds how long requests were sent before the steady window
   * @param start the requests sent in the first {@link #START_WINDOW} (or the whole warm-up, if
   *     shorter) after the server first answered with a model
   * @param startSlices the same requests in consecutive slices of {@link #START_SLICE} (the last
   *     one shorter if the start window is not a whole number of them)
   * @param steady the requests sent after the warm-up
   * @param offeredTrainingRate labeled records per second sent meanwhile
   * @param trainingSamplesPerSecond samples the model learned per second during the steady window
   * @param trainingYieldedShare share of the steady window the training threads yielded to the
   *     server ({@code mlp_training_yielded_seconds_total}, summed over tasks); NaN if the pipeline
   *     did not say
   * @param memory the pipeline JVM's peaks
   */
  public record Run(
      SampleFormat format,
      double requestsPerSecond,
      double warmupSeconds,
      Window start,
      List<Window> startSlices,
      Window steady,
      double offeredTrainingRate,
      double trainingSamplesPerSecond,
      double trainingYieldedShare,
      MemoryPeak memory) {}

  /**
   * The answers to the requests sent in a span of a run.
   *
   * @param fromSeconds when the first of them was due, seconds after the server first answered with
   *     a model
   * @param toSeconds when the one after the last was due
   * @param requests requests sent in the span
   * @param answered those answered by a model
   * @param noModelYet those answered {@code no-model-yet}
   * @param p50Millis median latency of the answered ones; -1 if none was
   * @param p99Millis 99th percentile (nearest rank); -1 if none was
   * @param maxMillis the largest; -1 if none was
   */
  public record Window(
      double fromSeconds,
      double toSeconds,
      int requests,
      int answered,
      int noModelYet,
      long p50Millis,
      long p99Millis,
      long maxMillis) {

    /** The window of requests {@code from} (inclusive) to {@code to}, sent at {@code rate}. */
    static Window of(long[] latencies, int noModelYet, int from, int to, int rate) {
      boolean any = latencies.length > 0;
      return new Window(
          (double) from / rate,
          (double) to / rate,
          to - from,
          latencies.length,
          noModelYet,
          any ? Stats.percentile(latencies, 50) : -1,
          any ? Stats.percentile(latencies, 99) : -1,
          any ? Stats.percentile(latencies, 100) : -1);
    }
  }

  /**
   * Runs the measurement in {@code dir}.
   *
   * @param train labeled samples, sent in turn at {@code trainingRate} from the start to the end
   * @param requestSamples features of the requests, used in turn
   * @param rate requests per second
   * @param warmup how long requests are sent before the steady window
   * @param duration how long requests are sent in the steady window
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
    int warmupRequests = requests(rate, warmup);
    int startRequests = Math.min(requests(rate, START_WINDOW), warmupRequests);
    int steadyRequests = requests(rate, duration);
    int total = warmupRequests + steadyRequests;
    try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"), List.of());
        PipelineProcess pipeline =
            PipelineProcess.start(
                broker.bootstrapServers(),
                settings.pipelineHeap(),
                dir.resolve("pipeline"),
                settings.pipelineOptions());
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
              new LatencyCollector(bootstrap, REQUEST_PREFIX, total, PROBE_PREFIX);
          KafkaProducer<byte[], byte[]> producer = requestProducer(bootstrap)) {
        awaitModel(producer, collector, requestSamples, format, settings.timeout());
        PacedSender.send(
            producer, i -> request(i, requestSamples, format), rate, warmupRequests, () -> false);
        double trainedBefore = sampler.trained();
        double yieldedBefore = sampler.yieldedSeconds();
        double seconds =
            PacedSender.send(
                producer,
                i -> request(warmupRequests + i, requestSamples, format),
                rate,
                steadyRequests,
                () -> false);
        double trainedDuring = sampler.trained() - trainedBefore;
        double yieldedDuring = sampler.yieldedSeconds() - yieldedBefore;
        stopTraining.set(true);
        producer.flush();
        collector.awaitAnswers(Duration.ofSeconds(30));
        training.get();
        try (Writer out = Files.newBufferedWriter(dir.resolve(LATENCIES_FILE))) {
          collector.writeCsv(out, rate);
        }
        return new Run(
            format,
            steadyRequests / seconds,
            warmup.toMillis() / 1e3,
            window(collector, 0, startRequests, rate),
            slices(
                startRequests,
                requests(rate, START_SLICE),
                (f, t) -> window(collector, f, t, rate)),
            window(collector, warmupRequests, total, rate),
            trainingRate,
            trainedDuring / seconds,
            yieldedDuring / seconds,
            MemoryPeak.of(sampler, pipeline));
      } finally {
        stopTraining.set(true);
      }
    }
  }

  private static int requests(int rate, Duration span) {
    return (int) Math.round(rate * span.toMillis() / 1e3);
  }

  /**
   * Requests 0 (inclusive) to {@code to} in consecutive slices of {@code size} requests, the last
   * one shorter if {@code to} is not a multiple of {@code size}, each as {@code window} gives the
   * requests {@code from} (inclusive) to {@code to} of it; none if {@code to} is 0.
   *
   * @throws IllegalArgumentException if {@code size < 1}
   */
  static List<Window> slices(int to, int size, BiFunction<Integer, Integer, Window> window) {
    if (size < 1) {
      throw new IllegalArgumentException("slices must hold a request at least: " + size);
    }
    List<Window> slices = new ArrayList<>();
    for (int from = 0; from < to; from += size) {
      slices.add(window.apply(from, Math.min(to, from + size)));
    }
    return List.copyOf(slices);
  }

  private static Window window(LatencyCollector collector, int from, int to, int rate) {
    return Window.of(collector.latencies(from, to), collector.noModelYet(from, to), from, to, rate);
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

  /** Request {@code n}: the features of sample {@code n} (in turn), unlabeled. */
  private static ProducerRecord<byte[], byte[]> request(
      int n, List<Sample> samples, SampleFormat format) {
    return request(REQUEST_PREFIX + n, samples.get(n % samples.size()), format);
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
