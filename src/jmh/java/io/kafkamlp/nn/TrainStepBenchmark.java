/*
 * JMH benchmarks live in src/jmh/java and are built only with the Maven profile "bench" (kept out
 * of the default build and of `mvn verify`):
 *
 *   mvn -B -q -Pbench -DskipTests package                          # builds target/benchmarks.jar
 *   java -jar target/benchmarks.jar TrainStep -f 1 -wi 1 -i 1      # quick smoke run
 *   java -jar target/benchmarks.jar TrainStep                      # full run, settings below
 *
 * Forks get --add-modules jdk.incubator.vector from @Fork(jvmArgsAppend); with -f 0 (no fork),
 * pass it to the launching JVM yourself.
 */
package io.kafkamlp.nn;

import io.kafkamlp.nn.kernel.KernelThreads;
import io.kafkamlp.spec.ModelSpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.ops.ConvertMatrixData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of one training step (forward, backward, optimizer update) of the default model:
 * 784-256-128-10, ReLU hidden layers, softmax cross-entropy, Adam with learning rate 1e-3, seed 42.
 *
 * <p>The score is in ops/s, one op being one {@link Model#trainStep} on a mini-batch of {@code
 * batchSize} samples, so <b>samples/s = ops/s &times; batchSize</b>. The score is deliberately not
 * normalised with {@code @OperationsPerInvocation}, so that the two batch sizes read as steps per
 * second.
 *
 * <p>The inputs are one fixed batch, generated once per trial: N(0, 1) features from {@code new
 * Random(7)} and labels uniform in 0..9. Training on it repeatedly makes the model overfit it,
 * which does not change the amount of arithmetic per step. The tear-down fails the trial if any
 * step was skipped for a non-finite loss or gradient ({@link Model#skippedSteps()}), since a
 * skipped step does no update and would inflate the score.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBenchmark {

  /** Samples per training step. */
  @Param({"32", "256"})
  public int batchSize;

  /**
   * {@code float}: the training path ({@link Model}); {@code double}: the same code generated in
   * double precision ({@code io.kafkamlp.nn64}, which the gradient check uses), measured to justify
   * the choice of float for training.
   */
  @Param({"float", "double"})
  public String precision;

  /**
   * Threads per step: the benchmark thread and {@code threads - 1} {@link KernelThreads} helpers
   * sharing its products and elementwise passes, as the pipeline's training thread does ({@code
   * --training-threads}); the same bits with any number.
   */
  @Param({"1"})
  public int threads;

  private KernelThreads kernels;
  private Model model;
  private FMatrixRMaj x;
  private FMatrixRMaj targets;
  private io.kafkamlp.nn64.Model model64;
  private DMatrixRMaj x64;
  private DMatrixRMaj targets64;

  /**
   * The benchmarked model: today's defaults (784-256-128-10 ReLU, softmax, Adam 1e-3, seed 42),
   * spelled out so that it stays the same if they change; {@code TrainerBenchmark} trains it too.
   */
  public static ModelSpec benchmarkedSpec(int batchSize) {
    return ModelSpec.defaults()
        .with(ModelSpec.LAYERS_CONFIG, "784,256,128,10")
        .with(ModelSpec.ACTIVATION_CONFIG, "relu")
        .with(ModelSpec.LOSS_CONFIG, "softmax")
        .with(ModelSpec.OPTIMIZER_CONFIG, "adam")
        .with(ModelSpec.LR_CONFIG, "1e-3")
        .withSeed(42)
        .withBatchSize(batchSize);
  }

  /** Builds the seeded model and one batch of random inputs. */
  @Setup(Level.Trial)
  public void setUp() {
    // a thread-scoped state is set up and torn down on its benchmark thread: helpers bind to it
    kernels = KernelThreads.bind(threads, "jmh");
    ModelSpec spec = benchmarkedSpec(batchSize);
    model = Models.create(spec);

    Random random = new Random(7);
    x = new FMatrixRMaj(batchSize, spec.inputs());
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = (float) random.nextGaussian();
    }
    targets = new FMatrixRMaj(batchSize, 1);
    for (int i = 0; i < batchSize; i++) {
      targets.data[i] = random.nextInt(spec.outputs());
    }
    model64 = io.kafkamlp.nn64.Models.create(spec);
    x64 = new DMatrixRMaj(x.numRows, x.numCols);
    ConvertMatrixData.convert(x, x64);
    targets64 = new DMatrixRMaj(targets.numRows, targets.numCols);
    ConvertMatrixData.convert(targets, targets64);
  }

  /** One training step; returns the loss so that the work cannot be eliminated. */
  @Benchmark
  public double trainStep() {
    return precision.equals("float")
        ? model.trainStep(x, targets)
        : model64.trainStep(x64, targets64);
  }

  /**
   * Fails the trial if any step was skipped for a non-finite loss or gradient, or if helpers were
   * asked for and shared no work; stops them.
   */
  @TearDown(Level.Trial)
  public void checkNoSkippedSteps() {
    long skipped = model.skippedSteps() + model64.skippedSteps();
    if (skipped != 0) {
      throw new IllegalStateException(skipped + " steps skipped for a non-finite loss or gradient");
    }
    if (kernels != null) {
      long shared = kernels.jobsRun();
      kernels.close();
      if (shared == 0 && precision.equals("float")) {
        throw new IllegalStateException(threads + " threads asked for, no work shared");
      }
    }
  }
}
