/*
 * Built with the Maven profile "bench" (see TrainStepBenchmark):
 *
 *   java -jar target/benchmarks.jar 'TrainerBenchmark|TrainStepBenchmark.trainStep' \
 *       -p batchSize=32 -p precision=float
 */
package io.kafkamlp.train;

import io.kafkamlp.data.SyntheticStream;
import io.kafkamlp.nn.TrainStepBenchmark;
import io.kafkamlp.sample.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The trainer without Kafka: {@link ModelTrainer#accept} of the default model (784-256-128-10 ReLU,
 * softmax, Adam 1e-3, batch 32) over samples in memory, one in ten validation data as in the
 * pipeline (normalized and scored, not learned), no metrics. The score is <b>training samples
 * learned per second</b> (each invocation accepts {@link #SAMPLES}, nine in ten of them training
 * samples), to compare with {@code TrainStepBenchmark}'s batch-32 step in the same run: what the
 * trainer's own work around the step (the running normalizer, the batches, validation scoring)
 * leaves of the kernel's rate before any Kafka work. On 2026-11-30 (2-core AMD EPYC, AVX-512;
 * alternating runs of 1 fork x 5 iterations): trainer 33,136 and 33,637 samples/s, kernel 41,428
 * and 44,446 (0.76-0.80x), a sample normalized at a time; with a batch normalized at once, in a
 * full {@code scripts/bench.sh} run: trainer 44,424, kernel 44,082 and 44,152 (1.01x). On
 * 2026-12-01, a steady hour: 45,283-46,863 against a kernel of 54,527-56,074 (0.83-0.84x); with the
 * ReLU's backward pass and the normalizer's finiteness check without a branch per element,
 * 48,193-51,174 (0.87-0.92x), and 50,758 in a full run (0.92x its kernel of 55,311).
 *
 * <p>The samples are the default synthetic stream's (784 features, 10 classes, seed 42): the work
 * per sample does not depend on the values. The trainer keeps learning across iterations.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainerBenchmark {

  /** Samples accepted per invocation: 100 batches of 32, nine in ten of them training samples. */
  static final int SAMPLES = 3_520;

  private static final int TRAINING_SAMPLES = SAMPLES - SAMPLES / 10;

  private final List<Sample> samples = new ArrayList<>();
  private ModelTrainer trainer;

  /** The seeded trainer of the kernel's model and the samples it cycles through. */
  @Setup(Level.Trial)
  public void setUp() {
    SyntheticStream stream = new SyntheticStream(784, 10, 42);
    for (int i = 0; i < SAMPLES; i++) {
      samples.add(stream.next());
    }
    trainer =
        new ModelTrainer(
            "default", TrainStepBenchmark.benchmarkedSpec(32), TrainerSettings.defaults());
  }

  /** Accepts every sample once, every tenth as validation data. */
  @Benchmark
  @OperationsPerInvocation(TRAINING_SAMPLES)
  public long accept() {
    for (int i = 0; i < SAMPLES; i++) {
      trainer.accept(samples.get(i), i % 10 == 0);
    }
    return trainer.samplesTrained();
  }
}
