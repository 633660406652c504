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
 * Random(7)} and labels uniform in 0..9. Each iteration (2 s) trains a freshly seeded model on it:
 * a model kept across iterations overfits the batch until, some 14,000 steps in, its gradients hold
 * subnormal floats, which some cores compute far slower (an Intel Xeon of 2026-12-01: 1,050 steps/s
 * falling to 370 at step 14,000 and staying there; the AMD EPYC before it did not slow down). The
 * arithmetic per step is the same either way; a fresh model keeps the values in the range a model
 * learning a stream sees. The tear-down fails the iteration if any step was skipped for a
 * non-finite loss or gradient ({@link Model#skippedSteps()}), since a skipped step does no update
 * and would inflate the score.
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

  /** Binds the helpers and builds one batch of random inputs. */
  @Setup(Level.Trial)
  public void setUp() {
    // a thread-scoped state is set up and torn down on its benchmark thread: helpers bind to it
    kernels = KernelThreads.bind(threads, "jmh");
    ModelSpec spec = benchmarkedSpec(batchSize);
    Random random = new Random(7);
    x = new FMatrixRMaj(batchSize, spec.inputs());
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = (float) random.nextGaussian();
    }
    targets = new FMatrixRMaj(batchSize, 1);
    for (int i = 0; i < batchSize; i++) {
      targets.data[i] = random.nextInt(spec.outputs());
    }
    x64 = new DMatrixRMaj(x.numRows, x.numCols);
    ConvertMatrixData.convert(x, x64);
    targets64 = new DMatrixRMaj(targets.numRows, targets.numCols);
    ConvertMatrixData.convert(targets, targets64);
  }

  /** A freshly seeded model for each iteration (see the class comment: no subnormal gradients). */
  @Setup(Level.Iteration)
  public void newModel() {
    ModelSpec spec = benchmarkedSpec(batchSize);
    if (precision.equals("float")) {
      model = Models.create(spec);
    } else {
      model64 = io.kafkamlp.nn64.Models.create(spec);
    }
  }

  /** One training step; returns the loss so that the work cannot be eliminated. */
  @Benchmark
  public double trainStep() {
    return precision.equals("float")
        ? model.trainStep(x, targets)
        : model64.trainStep(x64, targets64);
  }

  /** Fails the iteration if any step was skipped for a non-finite loss or gradient. */
  @TearDown(Level.Iteration)
  public void checkNoSkippedSteps() {
    long skipped = precision.equals("float") ? model.skippedSteps() : model64.skippedSteps();
    if (skipped != 0) {
      throw new IllegalStateException(skipped + " steps skipped for a non-finite loss or gradient");
    }
  }

  /** Fails the trial if helpers were asked for and shared no work; stops them. */
  @TearDown(Level.Trial)
  public void stopHelpers() {
    if (kernels != null) {
      long shared = kernels.jobsRun();
      kernels.close();
      if (shared == 0 && precision.equals("float")) {
        throw new IllegalStateException(threads + " threads asked for, no work shared");
      }
    }
  }
}
