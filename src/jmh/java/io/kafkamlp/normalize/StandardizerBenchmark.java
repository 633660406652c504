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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the trainer does to each training sample before it joins a batch: {@code update} the running
 * statistics (Welford) and {@code transform} the sample, for 784 features: with the loops split as
 * {@link StandardizerLoops} has them ({@code split}), the same with the transform taking the
 * features Welford widened ({@code fused}, as {@link RunningStandardizer#updateAndTransform} runs
 * them), and one loop per formula ({@code plain}). Average time per sample. The statistics keep
 * growing over the trial, which does not change the arithmetic.
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

  private final float[][] samples = new float[64][FEATURES];
  private final double[] mean = new double[FEATURES];
  private final double[] m2 = new double[FEATURES];
  private final float[] out = new float[FEATURES];
  private final double[] wide = new double[FEATURES];
  private final double[] scale = new double[FEATURES];
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
  public float[] split() {
    float[] x = samples[(int) (count & 63)];
    count++;
    StandardizerLoops.welford(x, mean, m2, count, wide);
    StandardizerLoops.transform(x, out, mean, m2, count - 1.0, 1e-12, wide, scale);
    return out;
  }

  /** {@link #split} as {@link RunningStandardizer#updateAndTransform} runs it: one widening. */
  @Benchmark
  public float[] fused() {
    float[] x = samples[(int) (count & 63)];
    count++;
    StandardizerLoops.welford(x, mean, m2, count, wide);
    StandardizerLoops.transformWide(wide, out, mean, m2, count - 1.0, 1e-12, scale);
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
