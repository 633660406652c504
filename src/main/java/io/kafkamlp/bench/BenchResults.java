package io.kafkamlp.bench;

import io.kafkamlp.replay.SampleFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Everything one benchmark run measured, and the figures the report derives from it: medians over
 * the repeated runs, the largest memory peaks. An empty list or a null means "not measured".
 *
 * @param date when the benchmark started
 * @param machine where it ran
 * @param setup how it ran
 * @param kernel the training step alone, by batch size
 * @param peer the same step in the peer library; null when not measured
 * @param passthrough the Kafka limit runs
 * @param endToEnd the end-to-end runs (one pass each)
 * @param serving the serving-latency runs
 * @param accuracy the many-pass accuracy run; null when not measured
 * @param failures the runs that failed, with why: their figures are missing
 */
public record BenchResults(
    Instant date,
    Machine machine,
    Setup setup,
    List<Kernel> kernel,
    Peer peer,
    List<Passthrough.Run> passthrough,
    List<EndToEnd.Run> endToEnd,
    List<Serving.Run> serving,
    EndToEnd.Run accuracy,
    List<String> failures) {

  /**
   * How the benchmark ran.
   *
   * @param data the data set, e.g. {@code Fashion-MNIST (/usr/share/datasets/fashion-mnist)}
   * @param repeats runs per rate measurement
   * @param samplesPerPass training records per pass
   * @param testSamples test records scored after a run
   * @param pipelineHeap {@code -Xmx} of the pipeline JVM
   * @param servingRate prediction requests per second
   * @param servingSeconds how long requests were measured (the steady window)
   * @param servingWarmupSeconds how long requests were sent before the steady window
   * @param accuracyPasses passes of the accuracy run
   */
  public record Setup(
      String data,
      int repeats,
      int samplesPerPass,
      int testSamples,
      String pipelineHeap,
      int servingRate,
      double servingSeconds,
      double servingWarmupSeconds,
      int accuracyPasses) {

    /** How long the serving runs' start windows were: {@link Serving#START_WINDOW} or less. */
    public double servingStartSeconds() {
      return Math.min(Serving.START_WINDOW.toSeconds(), servingWarmupSeconds);
    }
  }

  /** The one-thread kernel's median samples/s at {@code batchSize}; NaN if not measured. */
  public double kernelRate(int batchSize) {
    return kernelRate(batchSize, 1);
  }

  /** The kernel's median samples/s at {@code batchSize} on {@code threads}; NaN if not measured. */
  public double kernelRate(int batchSize, int threads) {
    return kernel.stream()
        .filter(k -> k.batchSize() == batchSize && k.threads() == threads)
        .mapToDouble(Kernel::samplesPerSecond)
        .findFirst()
        .orElse(Double.NaN);
  }

  /** The peer's samples/s at {@code batchSize}; NaN if not measured. */
  public double peerRate(int batchSize) {
    return peer == null ? Double.NaN : peer.samplesPerSecond().getOrDefault(batchSize, Double.NaN);
  }

  /** Median passthrough records/s in {@code format}; NaN if not measured. */
  public double passthroughRate(SampleFormat format) {
    return median(passthrough, r -> r.format() == format, Passthrough.Run::recordsPerSecond);
  }

  /** Median microseconds of CPU per record of the passthrough in {@code format}; NaN if none. */
  public double passthroughCpuPerRecord(SampleFormat format) {
    return median(passthrough, r -> r.format() == format, Passthrough.Run::cpuMicrosPerRecord);
  }

  /**
   * Median microseconds of CPU per sample learned end to end in {@code format}, of both JVMs
   * ({@code which}: {@link CpuUse#totalSeconds}) or of one ({@link CpuUse#pipelineSeconds}, {@link
   * CpuUse#benchSeconds}); NaN if not measured.
   */
  public double endToEndCpuPerSample(SampleFormat format, ToDoubleFunction<CpuUse> which) {
    return median(
        endToEnd,
        r -> r.format() == format,
        r -> CpuUse.microsPer(which.applyAsDouble(r.cpu()), r.samplesLearned()));
  }

  /** Median end-to-end samples/s in {@code format}; NaN if not measured. */
  public double endToEndRate(SampleFormat format) {
    return median(endToEnd, r -> r.format() == format, EndToEnd.Run::samplesPerSecond);
  }

  /**
   * Warm samples/s in {@code format}: the second half of the many-pass run ({@link EndToEnd}); NaN
   * if that run was not measured or not in {@code format}.
   */
  public double warmRate(SampleFormat format) {
    return accuracy == null || accuracy.format() != format
        ? Double.NaN
        : accuracy.warmSamplesPerSecond();
  }

  /** Median test accuracy after one pass, over every end-to-end run; NaN if none was scored. */
  public double onePassTestAccuracy() {
    return median(endToEnd, r -> !Double.isNaN(r.testAccuracy()), EndToEnd.Run::testAccuracy);
  }

  /** Median prequential accuracy of one pass, over every end-to-end run. */
  public double onePassPrequentialAccuracy() {
    return median(
        endToEnd, r -> !Double.isNaN(r.prequentialAccuracy()), EndToEnd.Run::prequentialAccuracy);
  }

  /** Median p50 latency of the serving runs' steady windows, ms; NaN if not measured. */
  public double servingP50() {
    return servingMedian(Serving.Run::steady, Serving.Window::p50Millis);
  }

  /** Median p99 latency of the serving runs' steady windows, ms; NaN if not measured. */
  public double servingP99() {
    return servingMedian(Serving.Run::steady, Serving.Window::p99Millis);
  }

  /** Median p50 latency of the serving runs' start windows, ms; NaN if not measured. */
  public double servingStartP50() {
    return servingMedian(Serving.Run::start, Serving.Window::p50Millis);
  }

  /** Median p99 latency of the serving runs' start windows, ms; NaN if not measured. */
  public double servingStartP99() {
    return servingMedian(Serving.Run::start, Serving.Window::p99Millis);
  }

  /** The median of {@code value} over the runs whose {@code window} has answers. */
  private double servingMedian(
      Function<Serving.Run, Serving.Window> window, ToDoubleFunction<Serving.Window> value) {
    return median(
        serving, r -> window.apply(r).answered() > 0, r -> value.applyAsDouble(window.apply(r)));
  }

  /** Every pipeline JVM's memory: the end-to-end, serving and accuracy runs. */
  public List<MemoryPeak> memory() {
    List<MemoryPeak> all = new ArrayList<>();
    endToEnd.forEach(r -> all.add(r.memory()));
    serving.forEach(r -> all.add(r.memory()));
    if (accuracy != null) {
      all.add(accuracy.memory());
    }
    return all;
  }

  /** The largest heap in use in any pipeline JVM, bytes; NaN if none ran. */
  public double peakHeapUsed() {
    return memory().stream().mapToDouble(MemoryPeak::heapUsedBytes).max().orElse(Double.NaN);
  }

  /** The largest live data after GC in any pipeline JVM, bytes; NaN if none ran. */
  public double peakLiveData() {
    return memory().stream().mapToDouble(MemoryPeak::liveDataBytes).max().orElse(Double.NaN);
  }

  /** Whether any pipeline JVM ran out of heap. */
  public boolean outOfMemory() {
    return memory().stream().anyMatch(MemoryPeak::outOfMemory);
  }

  private static <T> double median(List<T> runs, Predicate<T> which, ToDoubleFunction<T> value) {
    return Stats.median(runs.stream().filter(which).map(r -> value.applyAsDouble(r)).toList());
  }
}
