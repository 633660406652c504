/*
 * Built with the Maven profile "bench" (see TrainStepBenchmark):
 *
 *   java -jar target/benchmarks.jar StandardizerBenchmark
 */
package io.kafkamlp.normalize;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the trainer does to each training sample: {@code update} the running statistics (Welford)
 * and standardize it, for 784 features. {@code batched}, as the trainer runs it: an update per
 * sample, and a batch of 32 standardized at once with the statistics that include it (one {@link
 * StandardizerLoops#scales} per batch); {@code perSample}, the same loops with the scales computed
 * for every sample (as a transform right after each update would); {@code plain}, the old
 * per-sample transform in double, one loop per formula. Average time per sample. The statistics
 * keep growing over the trial, which does not change the arithmetic.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StandardizerBenchmark {

  private static final int FEATURES = 784;
  private static final int BATCH = 32;

  private final float[][] samples = new float[64][FEATURES];
  private final double[] mean = new double[FEATURES];
  private final double[] m2 = new double[FEATURES];
  private final float[] out = new float[FEATURES];
  private final float[] batch = new float[BATCH * FEATURES];
  private final double[] wide = new double[FEATURES];
  private final double[] scale = new double[FEATURES];
  private final float[] centre = new float[FEATURES];
  private final float[] centreLow = new float[FEATURES];
  private final float[] inverseScale = new float[FEATURES];
  private long count;

  /** 64 samples of pixel-like values, seeded. */
  @Setup
  public void setUp() {
    Random random = new Random(7);
    for (float[] s : samples) {
      for (int i = 0; i < FEATURES; i++) {
        s[i] = random.nextInt(256);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[] batched() {
    for (int r = 0; r < BATCH; r++) {
      float[] x = samples[(int) (count & 63)];
      count++;
      StandardizerLoops.widenFinite(x, wide, FEATURES);
      StandardizerLoops.welford(wide, mean, m2, count, FEATURES);
      System.arraycopy(x, 0, batch, r * FEATURES, FEATURES);
    }
    StandardizerLoops.scales(mean, m2, count - 1.0, 1e-12, scale, centre, centreLow, inverseScale);
    for (int r = 0; r < BATCH; r++) {
      int at = r * FEATURES;
      StandardizerLoops.standardize(
          batch, at, batch, at, centre, centreLow, inverseScale, FEATURES);
    }
    return batch;
  }

  @Benchmark
  public float[] perSample() {
    float[] x = samples[(int) (count & 63)];
    count++;
    StandardizerLoops.widenFinite(x, wide, FEATURES);
    StandardizerLoops.welford(wide, mean, m2, count, FEATURES);
    StandardizerLoops.scales(mean, m2, count - 1.0, 1e-12, scale, centre, centreLow, inverseScale);
    StandardizerLoops.standardize(x, 0, out, 0, centre, centreLow, inverseScale, FEATURES);
    return out;
  }

  @Benchmark
  public float[] plain() {
    float[] x = samples[(int) (count & 63)];
    count++;
    for (int i = 0; i < FEATURES; i++) {
      double d = x[i] - mean[i];
      mean[i] += d / count;
      m2[i] += d * (x[i] - mean[i]);
    }
    double divisor = count - 1.0;
    for (int i = 0; i < FEATURES; i++) {
      double variance = m2[i] / divisor;
      double s = variance < 1e-12 ? 1.0 : Math.sqrt(variance);
      out[i] = (float) ((x[i] - mean[i]) / s);
    }
    return out;
  }
}
