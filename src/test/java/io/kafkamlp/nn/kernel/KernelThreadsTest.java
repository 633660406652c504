package io.kafkamlp.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.Models;
import io.kafkamlp.nn.Parameter;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Helper threads sharing products: the same bits as one thread, work really done on the helpers, a
 * failing chunk reported to the asking thread, and the binding's life cycle.
 */
class KernelThreadsTest {

  /**
   * (n x k) times (k x m), all above {@link MatrixKernels#MIN_SHARED_WORK}: the default model's
   * products at batch 32 (forward, {@code dW} and {@code dX}), and shapes whose rows and columns
   * leave some past the last whole tile.
   */
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(32, 784, 256),
        Arguments.of(784, 32, 256),
        Arguments.of(32, 256, 128),
        Arguments.of(33, 784, 37),
        Arguments.of(30, 100, 50),
        Arguments.of(9, 1000, 17));
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @MethodSource("shapes")
  void shouldGiveTheBitsOfOneThreadWhenHelpersShareAProduct(int n, int k, int m) {
    // Given
    Random random = new Random(23L + 1000L * n + 10L * k + m);
    FMatrixRMaj a = random(n, k, random);
    FMatrixRMaj b = random(k, m, random);
    FMatrixRMaj bias = random(1, m, random);
    FMatrixRMaj at = new FMatrixRMaj(k, n);
    org.ejml.dense.row.CommonOps_FDRM.transpose(a, at);
    List<float[]> alone = products(a, at, b, bias);

    for (int threads : new int[] {2, 3}) {
      // When
      List<float[]> shared;
      long jobs;
      try (KernelThreads kernels = KernelThreads.bind(threads, "test")) {
        shared = products(a, at, b, bias);
        jobs = kernels.jobsRun();
      }

      // Then
      assertEquals(3, jobs, "each of the three products was shared, with " + threads + " threads");
      for (int i = 0; i < alone.size(); i++) {
        assertArrayEquals(bits(alone.get(i)), bits(shared.get(i)), threads + " threads, #" + i);
      }
    }
  }

  @Test
  void shouldTrainTheDefaultModelToTheSameBitsWhenHelpersShareItsProducts() {
    // Given
    float[] alone = train();

    // When
    float[] shared;
    long jobs;
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      shared = train();
      jobs = kernels.jobsRun();
    }

    // Then
    // per step, of the two hidden layers (the output layer's are small): forward 2, dW 2 and dX 1
    // products, 2 gradient scans and 2 Adam updates; more scans while bounds are computed exactly
    assertTrue(jobs >= 9 * 6, "jobs shared over six steps: " + jobs);
    assertArrayEquals(bits(alone), bits(shared));
  }

  @Test
  void shouldCoverEveryIndexOnceWhenRangesAreShared() {
    // Given: a length past the threshold that is no multiple of the cut's alignment
    int n = KernelThreads.MIN_SHARED_ELEMENTS * 3 + 7;
    int[] visits = new int[n];
    Set<String> threads = ConcurrentHashMap.newKeySet();

    // When
    long jobs;
    try (KernelThreads kernels = KernelThreads.bind(3, "test")) {
      KernelThreads.forRanges(
          n,
          (from, to) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = from; i < to; i++) {
              visits[i]++;
            }
            sleep(1);
          });
      jobs = kernels.jobsRun();
    }

    // Then
    assertEquals(1, jobs);
    for (int i = 0; i < n; i++) {
      assertEquals(1, visits[i], "index " + i);
    }
    assertTrue(threads.size() > 1, "ranges computed on " + threads);
  }

  @Test
  void shouldRunRangesOnTheCallerWhenUnboundOrSmall() {
    int[] calls = new int[1];
    KernelThreads.Ranges body =
        (from, to) -> {
          assertEquals(0, from);
          calls[0]++;
        };

    KernelThreads.forRanges(KernelThreads.MIN_SHARED_ELEMENTS * 4, body);
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      KernelThreads.forRanges(KernelThreads.MIN_SHARED_ELEMENTS - 1, body);
      assertEquals(0, kernels.jobsRun());
    }

    assertEquals(2, calls[0], "one call each, over the whole length");
  }

  @Test
  void shouldFindTheLargestMagnitudeWhenHelpersShareTheScan() {
    int n = KernelThreads.MIN_SHARED_ELEMENTS * 2 + 5;
    FMatrixRMaj m = random(1, n, new Random(3));
    float alone = MatrixKernels.maxAbs(m);
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      assertEquals(alone, MatrixKernels.maxAbs(m));
      m.data[n - 1] = -Float.MAX_VALUE;
      assertEquals(Float.MAX_VALUE, MatrixKernels.maxAbs(m), "the last element, negative");
      m.data[3] = Float.NEGATIVE_INFINITY;
      assertEquals(Float.POSITIVE_INFINITY, MatrixKernels.maxAbs(m));
      m.data[n / 2] = Float.NaN;
      assertTrue(Float.isNaN(MatrixKernels.maxAbs(m)), "NaN in the middle range");
      assertTrue(kernels.jobsRun() >= 4, "scans shared: " + kernels.jobsRun());
    }
  }

  @Test
  void shouldComputeChunksOnTheHelpersWhenAJobIsRun() {
    // Given: chunks slow enough that the helper, woken at once, claims some
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      for (int attempt = 0; attempt < 50 && !threads.contains("test-helper-1"); attempt++) {
        // When
        kernels.run(
            new KernelThreads.Job(8) {
              @Override
              void compute(int chunk) {
                threads.add(Thread.currentThread().getName());
                sleep(1);
              }
            });
      }
    }

    // Then
    assertTrue(threads.contains("test-helper-1"), "threads that computed chunks: " + threads);
    assertTrue(threads.contains(Thread.currentThread().getName()), "the caller computes too");
  }

  @Test
  void shouldRethrowOnTheAskingThreadWhenAChunkFails() {
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      // Given
      RuntimeException boom = new IllegalArgumentException("boom");
      KernelThreads.Job failing =
          new KernelThreads.Job(16) {
            @Override
            void compute(int chunk) {
              sleep(1);
              if (chunk == 11) {
                throw boom;
              }
            }
          };

      // When
      IllegalStateException thrown =
          assertThrows(IllegalStateException.class, () -> kernels.run(failing));

      // Then
      assertSame(boom, thrown.getCause());
      int[] computed = new int[1];
      kernels.run(
          new KernelThreads.Job(4) {
            @Override
            void compute(int chunk) {
              synchronized (computed) {
                computed[0]++;
              }
            }
          });
      assertEquals(4, computed[0], "the helpers still work after a failed job");
    }
  }

  @Test
  void shouldBindNothingWhenOneThreadIsAsked() {
    assertNull(KernelThreads.bind(1, "test"));
    assertNull(KernelThreads.current());
  }

  @Test
  void shouldRejectFewerThanOneThread() {
    assertThrows(IllegalArgumentException.class, () -> KernelThreads.bind(0, "test"));
  }

  @Test
  void shouldRejectASecondBindingOfOneThread() {
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      assertThrows(IllegalStateException.class, () -> KernelThreads.bind(2, "again"));
      assertSame(kernels, KernelThreads.current());
    }
  }

  @Test
  void shouldBindOnlyTheCallingThread() throws Exception {
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      AtomicReference<KernelThreads> seen = new AtomicReference<>(kernels);
      Thread other = new Thread(() -> seen.set(KernelThreads.current()));
      other.start();
      other.join();
      assertNull(seen.get(), "another thread (serving, say) multiplies alone");
    }
  }

  @Test
  void shouldStopTheHelpersAndUnbindWhenClosed() {
    // Given
    KernelThreads kernels = KernelThreads.bind(3, "closing");
    List<Thread> helpers = helpers("closing-helper-");
    assertEquals(2, helpers.size(), "two helpers started: " + helpers);

    // When
    kernels.close();

    // Then
    assertNull(KernelThreads.current());
    for (Thread helper : helpers) {
      assertFalse(helper.isAlive(), helper.getName());
    }
  }

  @Test
  void shouldRejectClosingFromAnotherThread() throws Exception {
    try (KernelThreads kernels = KernelThreads.bind(2, "test")) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread other =
          new Thread(
              () -> {
                try {
                  kernels.close();
                } catch (Throwable t) {
                  thrown.set(t);
                }
              });
      other.start();
      other.join();
      assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
    }
  }

  /** {@code A B + bias}, {@code A B} and {@code (A^T)^T B}, each into a new array. */
  private static List<float[]> products(
      FMatrixRMaj a, FMatrixRMaj at, FMatrixRMaj b, FMatrixRMaj bias) {
    FMatrixRMaj withBias = new FMatrixRMaj(a.numRows, b.numCols);
    FMatrixRMaj without = new FMatrixRMaj(a.numRows, b.numCols);
    FMatrixRMaj transposed = new FMatrixRMaj(a.numRows, b.numCols);
    MatrixKernels.mult(a, b, bias, withBias);
    MatrixKernels.mult(a, b, null, without);
    MatrixKernels.multTransA(at, b, transposed);
    return List.of(withBias.data, without.data, transposed.data);
  }

  /** Six Adam steps of the default 784-256-128-10 model at batch 32; its parameters after. */
  private static float[] train() {
    ModelSpec spec =
        ModelSpec.defaults()
            .with(ModelSpec.LAYERS_CONFIG, "784,256,128,10")
            .with(ModelSpec.OPTIMIZER_CONFIG, "adam")
            .withSeed(42)
            .withBatchSize(32);
    Model model = Models.create(spec);
    Random random = new Random(5);
    FMatrixRMaj x = random(32, spec.inputs(), random);
    FMatrixRMaj targets = new FMatrixRMaj(32, 1);
    for (int step = 0; step < 6; step++) {
      for (int i = 0; i < 32; i++) {
        targets.data[i] = random.nextInt(spec.outputs());
      }
      model.trainStep(x, targets);
    }
    List<Float> values = new ArrayList<>();
    for (Parameter parameter : model.network().parameters()) {
      for (float v : parameter.value().data) {
        values.add(v);
      }
    }
    float[] all = new float[values.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = values.get(i);
    }
    return all;
  }

  private static List<Thread> helpers(String prefix) {
    List<Thread> found = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(prefix)) {
        found.add(thread);
      }
    }
    return found;
  }

  private static FMatrixRMaj random(int rows, int cols, Random random) {
    FMatrixRMaj m = new FMatrixRMaj(rows, cols);
    for (int i = 0; i < m.data.length; i++) {
      m.data[i] = (float) random.nextGaussian();
    }
    return m;
  }

  private static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
