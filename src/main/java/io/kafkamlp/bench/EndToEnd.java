package io.kafkamlp.bench;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.replay.ReplayClients;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TestScorer;
import io.kafkamlp.replay.TrainingReplay;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.serve.ModelSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One end-to-end run: a fresh broker in this JVM, the pipeline in its own JVM ({@link
 * PipelineProcess}), the training set produced at full speed ({@link Source}) while the pipeline
 * validates, normalizes, batches, trains, checkpoints and snapshots ({@code exactly_once_v2}); then
 * the test set scored from the {@code predictions} topic and the pipeline stopped cleanly.
 *
 * <p>The rate is training samples learned / (the time the last was learned - the time the first
 * record was sent, or, from a backlog, the last scrape that showed nothing learned yet). "Learned"
 * is read from the pipeline's {@code mlp_samples_trained_total}, scraped every {@link
 * BenchSettings#scrapeInterval()}, so the end is late by at most one interval plus one scrape: the
 * rate is slightly understated, never overstated.
 *
 * <p>A run's first seconds are mostly the pipeline JVM's warm-up (the JIT compiling Kafka's code
 * and the kernels), which the kernel's JMH rate leaves out. So each run also reports its
 * <em>warm</em> rate: samples learned per second over its second half, from the scrape that first
 * shows half the samples learned to the one that shows them all. On a run of many passes that is
 * the sustained rate of a warm pipeline.
 *
 * <p>Each run also says how much CPU it took ({@link CpuUse}: the pipeline's JVM and the
 * benchmark's, which holds the broker and the producer), from the last scrape before the first
 * record was sent to the scrape that showed every sample learned, and over the second half.
 */
public final class EndToEnd {

  private EndToEnd() {}

  /** When the training records are produced. */
  public enum Source {
    /**
     * While the pipeline runs, by a producer in the benchmark's JVM beside the broker: whether the
     * pipeline keeps up with a fast source, the producer's and the broker's writes sharing the
     * machine with it.
     */
    LIVE,
    /**
     * All of them before the pipeline starts: the rate at which it drains a backlog, as after a
     * restart or on a deployment whose clients run on other machines. The broker still serves every
     * read and every write of the pipeline's own.
     */
    BACKLOG;

    /** Parses {@code live} or {@code backlog}, any case. */
    public static Source of(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown source: " + name + " (live or backlog)", e);
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One end-to-end run.
   *
   * @param format the records' format
   * @param passes passes over the training set
   * @param source when the records were produced
   * @param samplesLearned training samples learned (whole batches of the training split)
   * @param seconds from the first record sent (from a backlog: from the last scrape that showed
   *     nothing learned yet) to the last sample learned
   * @param warm the second half of the run; null if not measured
   * @param producerSeconds from the first record sent to the last acknowledged
   * @param testAccuracy accuracy on the test set from the predictions topic; NaN when not scored
   * @param prequentialAccuracy the final snapshot's prequential accuracy over the whole run
   * @param cpu CPU time both JVMs used over the whole run
   * @param memory the pipeline JVM's peaks
   */
  public record Run(
      SampleFormat format,
      int passes,
      Source source,
      long samplesLearned,
      double seconds,
      MetricsSampler.Span warm,
      double producerSeconds,
      double testAccuracy,
      double prequentialAccuracy,
      CpuUse cpu,
      MemoryPeak memory) {
    /** Training samples learned per second, end to end. */
    public double samplesPerSecond() {
      return samplesLearned / seconds;
    }

    /** Samples learned per second over the second half; NaN if not measured. */
    public double warmSamplesPerSecond() {
      return warm == null ? Double.NaN : warm.samplesPerSecond();
    }

    /** Microseconds of CPU (both JVMs) per sample learned, over the whole run. */
    public double cpuMicrosPerSample() {
      return cpu.microsPer(samplesLearned);
    }

    /** Microseconds of CPU (both JVMs) per sample learned in the second half; NaN if unknown. */
    public double warmCpuMicrosPerSample() {
      return warm == null ? Double.NaN : warm.cpuMicrosPerSample();
    }
  }

  /**
   * Runs {@code replay} through a fresh pipeline in {@code dir}, produced as {@code source} says,
   * then scores {@code test} (none: not scored).
   *
   * @throws TimeoutException if training does not finish within the timeout
   * @throws IllegalStateException if the pipeline does not start
   */
  public static Run run(
      BenchSettings settings, TrainingReplay replay, Source source, List<Sample> test, Path dir)
      throws Exception {
    try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"), List.of())) {
      String bootstrap = broker.bootstrapServers();
      long expected = replay.expectedTrained(settings.validationFraction(), settings.batchSize());
      CompletableFuture<TrainingReplay.Produced> backlog =
          source == Source.BACKLOG
              ? CompletableFuture.completedFuture(replay.produce(ReplayClients.plain(bootstrap)))
              : null;
      long learnedAt;
      long startMillis;
      MetricsSampler.Span warm;
      CpuUse cpu;
      TrainingReplay.Produced sent;
      double testAccuracy;
      MemoryPeak memory;
      try (PipelineProcess pipeline =
              PipelineProcess.start(
                  bootstrap,
                  settings.pipelineHeap(),
                  dir.resolve("pipeline"),
                  settings.pipelineOptions());
          MetricsSampler sampler =
              new MetricsSampler(pipeline.metricsUri(), settings.scrapeInterval())) {
        pipeline.awaitReady(sampler, settings.timeout());
        CpuUse cpuBefore = sampler.cpu();
        CompletableFuture<TrainingReplay.Produced> produced =
            backlog != null
                ? backlog
                : Background.start(
                    "bench-producer", () -> replay.produce(ReplayClients.plain(bootstrap)));
        learnedAt = awaitLearned(sampler, pipeline, produced, expected, settings.timeout());
        warm = sampler.between(expected / 2.0, expected);
        cpu = sampler.cpuWhenTrained(expected).since(cpuBefore);
        sent = produced.get();
        startMillis = backlog == null ? sent.firstSendMillis() : backlogStart(sampler, pipeline);
        testAccuracy =
            test.isEmpty()
                ? Double.NaN
                : TestScorer.scoreFrom(
                        awaitSnapshotOf(bootstrap, expected, settings.timeout()).version(),
                        ReplayClients.plain(bootstrap),
                        test,
                        replay.format(),
                        settings.timeout())
                    .accuracy();
        memory = MemoryPeak.of(sampler, pipeline);
      } // the pipeline stops cleanly: state committed, final snapshot published
      ModelSnapshot last = latestSnapshot(bootstrap);
      return new Run(
          replay.format(),
          replay.passes(),
          source,
          expected,
          (learnedAt - startMillis) / 1e3,
          warm,
          sent.seconds(),
          testAccuracy,
          last == null ? Double.NaN : last.metrics().cumulativePrequentialAccuracy(),
          cpu,
          memory);
    }
  }

  /**
   * Where a backlog's drain starts: the last scrape that showed nothing learned, or, if the first
   * scrape already showed some, the pipeline's start (which counts its JVM's start-up too): late by
   * at most one scrape interval, never early, so the rate is understated, never overstated.
   */
  static long backlogStart(MetricsSampler sampler, PipelineProcess pipeline) {
    long idle = sampler.lastIdleMillis();
    return idle >= 0 ? idle : pipeline.startedMillis();
  }

  /**
   * {@link MetricsSampler#awaitTrained}, failing early when the producer failed or the pipeline
   * exited rather than waiting the whole timeout.
   */
  static long awaitLearned(
      MetricsSampler sampler,
      PipelineProcess pipeline,
      CompletableFuture<?> produced,
      long expected,
      Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return sampler.awaitTrained(expected, Duration.ofSeconds(2));
      } catch (TimeoutException e) {
        if (produced.isCompletedExceptionally()) {
          produced.get(); // throws the producer's failure
        }
        if (!pipeline.isAlive()) {
          throw new IllegalStateException(
              "the pipeline exited while training:\n" + pipeline.logTail());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "the model learned "
                  + (long) sampler.trained()
                  + " of "
                  + expected
                  + " in "
                  + timeout);
        }
      }
    }
  }

  /**
   * Waits for the default model's snapshot of {@code samples} learned: the test set is scored by
   * the final model, not by the snapshot before it.
   *
   * @throws TimeoutException if none is published within the timeout
   */
  static ModelSnapshot awaitSnapshotOf(String bootstrap, long samples, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ModelSnapshot latest = latestSnapshot(bootstrap);
      if (latest != null && latest.samplesTrained() >= samples) {
        return latest;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "no snapshot of " + samples + " samples learned in " + timeout + "; last " + latest);
      }
      Thread.sleep(200);
    }
  }

  /** The default model's latest snapshot on the (one-partition) snapshot topic, or null. */
  static ModelSnapshot latestSnapshot(String bootstrap) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        ReplayClients.committedConsumer(ReplayClients.plain(bootstrap))) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      long end = consumer.position(partition);
      consumer.seek(partition, Math.max(0, end - 10));
      ModelSnapshot latest = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ModelSnapshot s = ModelSnapshot.fromBytes(r.value());
          if (s.model().equals(Sample.DEFAULT_MODEL)) {
            latest = s;
          }
        }
      }
      return latest;
    }
  }
}
