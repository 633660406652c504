/*
 * Built with the Maven profile "bench" (see TrainStepBenchmark):
 *
 *   java -jar target/benchmarks.jar SampleCodecBenchmark
 */
package io.kafkamlp.sample;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading and writing one Fashion-MNIST-like training record costs: 784 pixels (about half of
 * them 0, as in the data set) and a label. {@code values}: {@code pixels}, the data set's 0 to 255
 * as the bench and the demo send them ({@code 0.0}, {@code 37.0}, {@code 255.0} in JSON), or {@code
 * scaled} to [0, 1] as a client might ({@code 0.14509805}). {@code parseJson} is {@link
 * SampleCodec#parse} on the JSON record (the fast path), {@code parseJsonFully} Jackson's reader
 * alone, {@code parseBinary} the binary record, {@code toJson} and {@code toBinary} the writers.
 * Average time per record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SampleCodecBenchmark {

  private static final int FEATURES = 784;
  private static final int RECORDS = 64;

  @Param({"pixels", "scaled"})
  public String values;

  private final Sample[] samples = new Sample[RECORDS];
  private final byte[][] json = new byte[RECORDS][];
  private final byte[][] binary = new byte[RECORDS][];
  private int next;

  /** 64 records, seeded. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    for (int r = 0; r < RECORDS; r++) {
      float[] pixels = new float[FEATURES];
      for (int i = 0; i < FEATURES; i++) {
        int pixel = random.nextBoolean() ? 0 : random.nextInt(1, 256);
        pixels[i] = values.equals("scaled") ? pixel / 255f : pixel;
      }
      samples[r] =
          new Sample(
              Sample.DEFAULT_MODEL, pixels, TargetKind.LABEL, new float[] {random.nextInt(10)});
      json[r] = SampleCodec.toJson(samples[r]);
      binary[r] = SampleCodec.toBinary(samples[r]);
    }
  }

  private int nextRecord() {
    next = (next + 1) & (RECORDS - 1);
    return next;
  }

  @Benchmark
  public Sample parseJson() {
    return SampleCodec.parse(json[nextRecord()]);
  }

  @Benchmark
  public Sample parseJsonFully() {
    return SampleCodec.parseJson(json[nextRecord()], SampleLimits.DEFAULT_MAX_FEATURES);
  }

  @Benchmark
  public Sample parseBinary() {
    return SampleCodec.parse(binary[nextRecord()]);
  }

  @Benchmark
  public byte[] toJson() {
    return SampleCodec.toJson(samples[nextRecord()]);
  }

  @Benchmark
  public byte[] toBinary() {
    return SampleCodec.toBinary(samples[nextRecord()]);
  }
}
