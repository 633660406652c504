package io.kafkamlp.cli;

import io.kafkamlp.bench.BenchReport;
import io.kafkamlp.bench.BenchResults;
import io.kafkamlp.bench.BenchSettings;
import io.kafkamlp.bench.EndToEnd;
import io.kafkamlp.bench.Kernel;
import io.kafkamlp.bench.Machine;
import io.kafkamlp.bench.Passthrough;
import io.kafkamlp.bench.Peer;
import io.kafkamlp.bench.Serving;
import io.kafkamlp.bench.Stats;
import io.kafkamlp.bench.StreamsConfigSource;
import io.kafkamlp.bench.WorkDirs;
import io.kafkamlp.data.Dataset;
import io.kafkamlp.data.IdxReader;
import io.kafkamlp.replay.SampleFormat;
import io.kafkamlp.replay.TrainingReplay;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.TrainingRoute;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-mlp bench}: the Kafka parts of the performance benchmark (Kafka limit, end to end,
 * serving, memory, accuracy) against fresh embedded brokers, merged with the kernel's JMH result
 * and the peer's into {@code report.md} and {@code report.json}. {@code scripts/bench.sh} runs it
 * all in one go. Wiring only: the measurements are {@code io.kafkamlp.bench}'s.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures the pipeline on this machine: Kafka's own limit (a passthrough with the"
            + " trainer's settings), samples/s learned end to end for JSON and binary input,"
            + " serving latency at a fixed request rate while training, the pipeline JVM's peak"
            + " heap, and test accuracy after one and many passes; merges the kernel's JMH"
            + " result and the peer's; writes report.md and report.json to --out. Each Kafka run"
            + " uses a fresh embedded broker here and the pipeline in a JVM of its own."
            + " scripts/bench.sh runs everything.")
final class BenchCommand implements Callable<Integer> {

  /** The parts of the benchmark this command runs, by their {@code --parts} names. */
  enum Part {
    PASSTHROUGH,
    END_TO_END,
    SERVING,
    ACCURACY
  }

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(
      names = "--data",
      description = "Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist).")
  Path data = IdxReader.DEFAULT_FASHION_MNIST;

  @Option(
      names = "--out",
      description = "Folder of report.md, report.json and the runs' logs (default target/bench).")
  Path outDir = Path.of("target", "bench");

  @Option(
      names = "--parts",
      split = ",",
      description =
          "Parts to run: PASSTHROUGH, END_TO_END, SERVING, ACCURACY (default all), comma-separated.")
  List<Part> parts = List.of(Part.values());

  @Option(
      names = "--formats",
      split = ",",
      description = "Input formats of the passthrough and end-to-end runs (default json,binary).")
  List<String> formats = List.of("json", "binary");

  @Option(names = "--repeats", description = "Runs per rate; medians are reported (default 3).")
  Integer repeats;

  @Option(names = "--max-samples", description = "Training records per pass (default all 60,000).")
  Integer maxSamples;

  @Option(names = "--test-samples", description = "Test records scored (default all 10,000).")
  Integer testSamples;

  @Option(names = "--serving-rate", description = "Prediction requests per second (default 1000).")
  int servingRate = 1000;

  @Option(
      names = "--serving-seconds",
      description = "How long prediction requests are measured after the warm-up (default 30).")
  Integer servingSeconds;

  @Option(
      names = "--serving-warmup-seconds",
      description =
          "How long requests are sent before the measured (steady) window (default 120; --quick:"
              + " 5): a fresh pipeline JVM spends its first minute or two compiling. The first 30"
              + " s of it are reported too, as serving just after a start.")
  Integer servingWarmupSeconds;

  @Option(
      names = "--serving-format",
      description = "Format of the requests and the labeled stream meanwhile (default binary).")
  String servingFormat = "binary";

  @Option(
      names = "--serving-training-rate",
      description =
          "Labeled records per second sent while serving is measured (default half the median"
              + " end-to-end binary rate of this run, else 1000).")
  Double servingTrainingRate;

  @Option(
      names = "--serving-lag-ms",
      description =
          "The pipeline's --serving-lag-ms: how much later than usual serving may answer before"
              + " training yields to it (default the pipeline's, 20); 0 measures serving without"
              + " that priority.")
  Long servingLagMillis;

  @Option(names = "--accuracy-passes", description = "Passes of the accuracy run (default 10).")
  Integer accuracyPasses;

  @Option(
      names = "--accuracy-format",
      description =
          "Input format of the accuracy run, whose second half is the warm rate (default binary).")
  String accuracyFormat = "binary";

  @Option(
      names = "--accuracy-source",
      description =
          "When the accuracy run's records are produced: live (while the pipeline runs, beside it:"
              + " can it keep up?) or backlog (all of them before it starts: how fast it drains"
              + " them, the producer's work left out); default live.")
  String accuracySource = "live";

  @Option(names = "--pipeline-heap", description = "-Xmx of the pipeline JVM (default 1g).")
  String pipelineHeap = "1g";

  @Option(
      names = "--kernel-result",
      description = "JMH JSON result (-rf json) of TrainStepBenchmark to include.")
  Path kernelResult;

  @Option(
      names = "--peer-result",
      description = "JSON of bench/pytorch_train_step.py --json to include.")
  Path peerResult;

  @Option(
      names = "--timeout-seconds",
      description = "Longest wait for one phase of a run (default 1800).")
  long timeoutSeconds = 1800;

  @Option(
      names = "--quick",
      description =
          "A short development run: 1 repeat, 3,000 training and 1,000 test records, 5 s of"
              + " serving, 2 accuracy passes, unless given otherwise. Not for reported numbers.")
  boolean quick;

  private PrintWriter out;

  /** Refuses, before anything starts, a count or a rate that would measure nothing. */
  private void checkOptions() {
    atLeast("--repeats", repeats, 1);
    atLeast("--max-samples", maxSamples, 1);
    atLeast("--test-samples", testSamples, 1);
    atLeast("--serving-rate", servingRate, 1);
    atLeast("--serving-seconds", servingSeconds, 1);
    atLeast("--serving-warmup-seconds", servingWarmupSeconds, 0);
    atLeast("--accuracy-passes", accuracyPasses, 1);
    atLeast("--timeout-seconds", timeoutSeconds, 1);
    atLeast("--serving-lag-ms", servingLagMillis, 0);
    if (servingTrainingRate != null && !(servingTrainingRate > 0)) {
      throw new IllegalArgumentException(
          "--serving-training-rate must be above 0: " + servingTrainingRate);
    }
  }

  /** Refuses {@code value} (null: not given, taken) under {@code min}. */
  private static void atLeast(String option, Number value, long min) {
    if (value != null && value.longValue() < min) {
      throw new IllegalArgumentException(option + " must be at least " + min + ": " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    KafkaMlp.noteSimd();
    out = commandSpec.commandLine().getOut();
    checkOptions();
    EndToEnd.Source source = EndToEnd.Source.of(accuracySource);
    int runs = or(repeats, 1, 3);
    List<SampleFormat> inputFormats = formats.stream().map(SampleFormat::of).toList();
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException(
          "no Fashion-MNIST in " + data + ": apt-get install dataset-fashion-mnist, or --data");
    }
    Dataset dataset = IdxReader.fashionMnist(data);
    List<Sample> allTrain = dataset.trainSamples(Sample.DEFAULT_MODEL);
    List<Sample> allTest = dataset.testSamples(Sample.DEFAULT_MODEL);
    List<Sample> train =
        allTrain.subList(0, Math.min(or(maxSamples, 3_000, allTrain.size()), allTrain.size()));
    List<Sample> test =
        allTest.subList(0, Math.min(or(testSamples, 1_000, allTest.size()), allTest.size()));
    Path work = outDir.resolve("work");
    WorkDirs.delete(work);
    BenchSettings settings =
        new BenchSettings(
            work,
            pipelineHeap,
            Duration.ofMillis(200),
            Duration.ofSeconds(timeoutSeconds),
            TrainerSettings.defaults().validationFraction(),
            ModelSpec.defaults().batchSize(),
            servingLagMillis == null
                ? List.of()
                : List.of("--serving-lag-ms", Long.toString(servingLagMillis)));
    Instant started = Instant.now();
    int seconds = or(servingSeconds, 5, 30);
    int warmupSeconds = or(servingWarmupSeconds, 5, 120);
    int passes = or(accuracyPasses, 2, 10);
    Runs done = new Runs(settings);
    measure(done, train, test, runs, inputFormats, warmupSeconds, seconds, passes, source);
    BenchResults results =
        new BenchResults(
            started,
            Machine.current(),
            new BenchResults.Setup(
                "Fashion-MNIST (" + data + ")",
                runs,
                train.size(),
                test.size(),
                pipelineHeap,
                servingRate,
                seconds,
                warmupSeconds,
                passes),
            kernelResult == null ? List.of() : Kernel.fromJmhJson(kernelResult),
            peerResult == null ? null : Peer.fromJson(peerResult),
            done.passthrough,
            done.endToEnd,
            done.serving,
            done.accuracy,
            done.failures);
    write(results);
    return done.failures.isEmpty() ? 0 : 1;
  }

  /** Runs the parts asked for, in order, formats interleaved within each repeat. */
  private void measure(
      Runs done,
      List<Sample> train,
      List<Sample> test,
      int runs,
      List<SampleFormat> inputFormats,
      int servingWarmupSeconds,
      int servingSeconds,
      int passes,
      EndToEnd.Source source) {
    if (parts.contains(Part.PASSTHROUGH)) {
      for (int r = 1; r <= runs; r++) {
        for (SampleFormat format : inputFormats) {
          done.passthrough(new TrainingReplay(train, 1, format), "passthrough-" + format + "-" + r);
        }
      }
    }
    if (parts.contains(Part.END_TO_END)) {
      for (int r = 1; r <= runs; r++) {
        for (SampleFormat format : inputFormats) {
          done.endToEnd(
              new TrainingReplay(train, 1, format), test, "end-to-end-" + format + "-" + r);
        }
      }
    }
    if (parts.contains(Part.SERVING)) {
      // repeated too: open-loop requests make one run's tail depend on whether the server ever fell
      // behind, so a single run can land far from the typical one
      for (int r = 1; r <= runs; r++) {
        done.serving(
            train,
            test,
            SampleFormat.of(servingFormat),
            servingWarmupSeconds,
            servingSeconds,
            "serving-" + servingFormat + "-" + r);
      }
    }
    if (parts.contains(Part.ACCURACY) && passes > 0) {
      done.accuracy(
          new TrainingReplay(train, passes, SampleFormat.of(accuracyFormat)), source, test);
    }
  }

  /** Writes report.md and report.json to --out and prints the markdown. */
  private void write(BenchResults results) throws IOException {
    String markdown = BenchReport.markdown(results);
    Files.createDirectories(outDir);
    Files.writeString(outDir.resolve("report.md"), markdown, StandardCharsets.UTF_8);
    Files.writeString(
        outDir.resolve("report.json"), BenchReport.json(results), StandardCharsets.UTF_8);
    out.println();
    out.print(markdown);
    out.printf("%nwrote %s and %s%n", outDir.resolve("report.md"), outDir.resolve("report.json"));
    out.flush();
  }

  /** The option's value if given, else the quick or the full default. */
  private int or(Integer given, int quickDefault, int fullDefault) {
    return given != null ? given : quick ? quickDefault : fullDefault;
  }

  /** The trainer's own Kafka Streams config, from the one place the pipeline builds it. */
  static StreamsConfigSource trainerConfig() {
    return (bootstrap, applicationId, stateDir) ->
        Pipeline.trainerConfig(
            KafkaClients.plain(bootstrap),
            SampleLimits.DEFAULTS,
            Map.of(),
            applicationId,
            stateDir,
            TrainingRoute.DIRECT);
  }

  /** The measurements made so far, each announced and timed; a failed run is noted and skipped. */
  private final class Runs {
    private final BenchSettings settings;
    private final Path work;
    final List<Passthrough.Run> passthrough = new ArrayList<>();
    final List<EndToEnd.Run> endToEnd = new ArrayList<>();
    final List<Serving.Run> serving = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    EndToEnd.Run accuracy;

    Runs(BenchSettings settings) {
      this.settings = settings;
      this.work = settings.workDir();
    }

    void passthrough(TrainingReplay replay, String name) {
      Passthrough.Run run =
          measure(
              name, () -> Passthrough.run(settings, trainerConfig(), replay, work.resolve(name)));
      if (run != null) {
        passthrough.add(run);
        say(
            "%s: %,d records in %.2f s, %,.0f records/s (producer %.2f s)",
            name, run.records(), run.seconds(), run.recordsPerSecond(), run.producerSeconds());
      }
    }

    void endToEnd(TrainingReplay replay, List<Sample> test, String name) {
      EndToEnd.Run run =
          measure(
              name,
              () -> EndToEnd.run(settings, replay, EndToEnd.Source.LIVE, test, work.resolve(name)));
      if (run != null) {
        endToEnd.add(run);
        sayEndToEnd(name, run);
      }
    }

    void serving(
        List<Sample> train,
        List<Sample> test,
        SampleFormat format,
        int warmupSeconds,
        int seconds,
        String name) {
      double measured = medianBinaryRate();
      double trainingRate =
          servingTrainingRate != null
              ? servingTrainingRate
              : Double.isNaN(measured) ? 1_000 : Math.round(0.5 * measured);
      Serving.Run run =
          measure(
              name,
              () ->
                  Serving.run(
                      settings,
                      train,
                      test,
                      format,
                      trainingRate,
                      servingRate,
                      Duration.ofSeconds(warmupSeconds),
                      Duration.ofSeconds(seconds),
                      work.resolve(name)));
      if (run != null) {
        serving.add(run);
        Serving.Window steady = run.steady();
        Serving.Window start = run.start();
        say(
            "%s: steady (from %.0f s) p50 %d ms, p99 %d ms, max %d ms over %,d answers (%d"
                + " no-model-yet) at %,.0f requests/s; first %.0f s p50 %d ms, p99 %d ms, max %d"
                + " ms; labeled stream at %,.0f/s, learned %,.0f samples/s meanwhile, yielding"
                + " to serving %.1f%% of the time",
            name,
            steady.fromSeconds(),
            steady.p50Millis(),
            steady.p99Millis(),
            steady.maxMillis(),
            steady.answered(),
            steady.noModelYet(),
            run.requestsPerSecond(),
            start.toSeconds(),
            start.p50Millis(),
            start.p99Millis(),
            start.maxMillis(),
            run.offeredTrainingRate(),
            run.trainingSamplesPerSecond(),
            100 * run.trainingYieldedShare());
      }
    }

    void accuracy(TrainingReplay replay, EndToEnd.Source source, List<Sample> test) {
      String name =
          "accuracy-"
              + replay.passes()
              + "-passes"
              + (source == EndToEnd.Source.BACKLOG ? "-from-a-backlog" : "");
      accuracy =
          measure(name, () -> EndToEnd.run(settings, replay, source, test, work.resolve(name)));
      if (accuracy != null) {
        sayEndToEnd(name, accuracy);
      }
    }

    private double medianBinaryRate() {
      return Stats.median(
          endToEnd.stream()
              .filter(r -> r.format() == SampleFormat.BINARY)
              .map(EndToEnd.Run::samplesPerSecond)
              .toList());
    }

    private void sayEndToEnd(String name, EndToEnd.Run run) {
      say(
          "%s: %,d samples learned in %.1f s, %,.0f samples/s (producer %.1f s); test accuracy"
              + " %.4f, prequential %.4f; peak heap %.0f MiB, live %.0f MiB",
          name,
          run.samplesLearned(),
          run.seconds(),
          run.samplesPerSecond(),
          run.producerSeconds(),
          run.testAccuracy(),
          run.prequentialAccuracy(),
          run.memory().heapUsedBytes() / (1 << 20),
          run.memory().liveDataBytes() / (1 << 20));
    }

    private <T> T measure(String name, Callable<T> run) {
      say("%s ...", name);
      long start = System.nanoTime();
      try {
        T result = run.call();
        say("%s done in %.0f s", name, (System.nanoTime() - start) / 1e9);
        return result;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failures.add(name + ": " + e);
        say("%s FAILED: %s (logs in %s)", name, e, work.resolve(name));
        return null;
      }
    }

    private void say(String format, Object... args) {
      out.printf(format + "%n", args);
      out.flush();
    }
  }
}
