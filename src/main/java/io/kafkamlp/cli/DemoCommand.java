package io.kafkamlp.cli;

import io.kafkamlp.data.Dataset;
import io.kafkamlp.data.IdxReader;
import io.kafkamlp.data.SyntheticStream;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TestScorer;
import io.kafkamlp.replay.TrainingReplay;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-mlp demo}: {@code run}, plus a replay of Fashion-MNIST through it: the training set
 * labeled, with live progress, then the test set unlabeled, scored from the predictions topic.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline and replays a data set through it: the training set as labeled records"
            + " (with a live progress line), then the test set as unlabeled ones, and reports the"
            + " test accuracy measured from the predictions topic. Fashion-MNIST from --data;"
            + " without it, a built-in synthetic stream (and says so).")
final class DemoCommand implements Callable<Integer>, ModelOptions.Taker {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin TrainerOptions options;

  @Option(
      names = "--data",
      description =
          "Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist, from Debian's"
              + " dataset-fashion-mnist).")
  Path data = IdxReader.DEFAULT_FASHION_MNIST;

  @Option(names = "--max-samples", description = "Training samples per pass (default all).")
  int maxSamples = Integer.MAX_VALUE;

  @Option(names = "--passes", description = "Passes over the training set (default 1).")
  int passes = 1;

  @Option(names = "--format", description = "Record format: json or binary (default json).")
  String format = "json";

  @Option(
      names = "--timeout-seconds",
      description = "Longest wait for training or predictions to finish (default 1800).")
  long timeoutSeconds = 1800;

  private PrintWriter out;
  private volatile double producedSeconds;

  @Override
  public Integer call() throws Exception {
    KafkaMlp.noteSimd();
    out = commandSpec.commandLine().getOut();
    SampleFormat recordFormat = SampleFormat.of(format);
    ModelSpec spec = ModelOptions.spec(commandSpec);
    Dataset dataset = load(spec);
    List<Sample> all = dataset.trainSamples(Sample.DEFAULT_MODEL);
    List<Sample> train = all.subList(0, Math.min(maxSamples, all.size()));
    List<Sample> test = dataset.testSamples(Sample.DEFAULT_MODEL);
    try (RunCommand.Running running =
        RunCommand.Running.start(options, options.models(spec), out)) {
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "kafka-mlp-shutdown"));
      KafkaClients kafka = running.kafka;
      long start = System.nanoTime();
      TrainingReplay replay = new TrainingReplay(train, passes, recordFormat);
      long expected = replay.expectedTrained(options.validationFraction, spec.batchSize());
      Thread producer =
          new Thread(
              () -> producedSeconds = replay.produce(kafka.properties()).seconds(),
              "demo-producer");
      producer.start();
      ModelSnapshot trained = followTraining(kafka, expected, start);
      producer.join();
      double seconds = (System.nanoTime() - start) / 1e9;
      TestScorer.Score score =
          TestScorer.scoreFrom(
              trained.version(),
              kafka.properties(),
              test,
              recordFormat,
              Duration.ofSeconds(timeoutSeconds));
      out.println();
      out.printf(
          "trained %,d samples (%d pass%s over %,d, %.0f%% kept for validation) in %.1f s:"
              + " %,.0f samples/s end to end%n",
          trained.samplesTrained(),
          passes,
          passes == 1 ? "" : "es",
          train.size(),
          100 * options.validationFraction,
          seconds,
          trained.samplesTrained() / seconds);
      out.printf(
          "the producer sent the %,d training records in %.1f s%n",
          (long) train.size() * passes, producedSeconds);
      out.printf(
          "prequential accuracy %.4f over the whole run (%.4f over the last window); validation"
              + " accuracy %.4f%n",
          trained.metrics().cumulativePrequentialAccuracy(),
          trained.metrics().prequentialAccuracy(),
          trained.metrics().validationAccuracy());
      out.printf(
          "test accuracy from the predictions topic: %.4f (%,d of %,d right; model versions"
              + " %d..%d)%n",
          score.accuracy(), score.correct(), score.total(), score.minVersion(), score.maxVersion());
      out.flush();
    }
    return 0;
  }

  private Dataset load(ModelSpec spec) throws IOException {
    if (Files.isDirectory(data)) {
      Dataset dataset = IdxReader.fashionMnist(data);
      out.printf(
          "Fashion-MNIST from %s: %,d training and %,d test images%n",
          data, dataset.trainX().length, dataset.testX().length);
      return dataset;
    }
    out.printf(
        "no data set in %s (apt-get install dataset-fashion-mnist): using a built-in synthetic"
            + " stream of %d features and %d classes instead%n",
        data, spec.inputs(), spec.outputs());
    SyntheticStream stream = new SyntheticStream(spec.inputs(), spec.outputs(), spec.seed());
    float[][] trainX = new float[60_000][];
    int[] trainY = new int[trainX.length];
    float[][] testX = new float[10_000][];
    int[] testY = new int[testX.length];
    draw(stream, trainX, trainY);
    draw(stream, testX, testY);
    return new Dataset(trainX, trainY, testX, testY);
  }

  private static void draw(SyntheticStream stream, float[][] x, int[] y) {
    for (int i = 0; i < x.length; i++) {
      Sample s = stream.next();
      x[i] = s.features();
      y[i] = s.label();
    }
  }

  /** Prints progress from the snapshots until the default model has learned {@code expected}. */
  private ModelSnapshot followTraining(KafkaClients kafka, long expected, long start) {
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(kafka)) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      long lastPrint = 0;
      ModelSnapshot latest = null;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ModelSnapshot s = ModelSnapshot.fromBytes(r.value());
          if (s.model().equals(Sample.DEFAULT_MODEL)) {
            latest = s;
          }
        }
        if (latest != null && System.nanoTime() - lastPrint > 2_000_000_000L) {
          lastPrint = System.nanoTime();
          double seconds = (lastPrint - start) / 1e9;
          out.printf(
              "\rtrained %,d/%,d | %,.0f samples/s | loss %.4f | prequential acc %.4f | validation"
                  + " acc %.4f | model v%d   ",
              latest.samplesTrained(),
              expected,
              latest.samplesTrained() / seconds,
              latest.metrics().prequentialLoss(),
              latest.metrics().prequentialAccuracy(),
              latest.metrics().validationAccuracy(),
              latest.version());
          out.flush();
        }
        if (latest != null && latest.samplesTrained() >= expected) {
          return latest;
        }
      }
      throw new IllegalStateException(
          "training did not reach " + expected + " samples in " + timeoutSeconds + " s");
    }
  }
}
