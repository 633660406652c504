package io.kafkamlp.nn.kernel;

import org.ejml.data.FMatrixRMaj;

/**
 * The matrix products of the training step, written for speed on one core, and shared with the
 * {@link KernelThreads} bound to the calling thread, if any.
 *
 * <p>Every output element is computed as one fused multiply-add chain over the inner index in
 * increasing order, starting from the bias (or zero): {@code c = fma(a_0, b_0, c); c = fma(a_1,
 * b_1, c); ...}. The SIMD kernels (Vector API, used when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}) and the scalar kernels follow exactly that order, so both give
 * bit-identical results: a model trains to the same bits whether or not SIMD is on.
 *
 * <p>All matrices are row-major EJML matrices; outputs must already have the right shape and must
 * not alias an input.
 */
public final class MatrixKernels {

  /** Whether the Vector API module is present in this JVM (then the SIMD kernels run). */
  public static final boolean SIMD =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && !Boolean.getBoolean("kafkamlp.noSimd");

  /**
   * Multiply-adds below which a product runs on its own thread: handing it over would cost about
   * what it saves (about 3 us of work at batch 32; the products of the default model's 10-unit
   * output layer stay below).
   */
  static final long MIN_SHARED_WORK = 1 << 16;

  /**
   * Chunks of rows per thread: a helper that starts late still finds some left, and one preempted
   * mid-chunk holds up the product by less.
   */
  static final int CHUNKS_PER_THREAD = 4;

  private MatrixKernels() {}

  /**
   * {@code C = A B + 1 bias} (bias broadcast over rows; {@code bias} may be null for zero).
   *
   * @param a (n x k) not modified
   * @param b (k x m) not modified
   * @param bias (1 x m) or null, not modified
   * @param c (n x m) modified
   */
  public static void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, FMatrixRMaj c) {
    checkShapes(a.numRows, a.numCols, b, c);
    product(
        a.data,
        a.numCols,
        1,
        b.data,
        bias == null ? null : bias.data,
        c.data,
        c.numRows,
        a.numCols,
        c.numCols);
  }

  /**
   * {@code C = A^T B}.
   *
   * @param a (k x n) not modified
   * @param b (k x m) not modified
   * @param c (n x m) modified
   */
  public static void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
    checkShapes(a.numCols, a.numRows, b, c);
    product(a.data, 1, a.numCols, b.data, null, c.data, c.numRows, a.numRows, c.numCols);
  }

  /**
   * The ReLU's backward pass, {@code dz[i] = z[i] > 0 ? da[i] : 0} for {@code i < n}: the upstream
   * gradient where the unit was active, +0 elsewhere (a NaN {@code z} included). With SIMD a vector
   * at a time, a compare and a blend: the plain loop's branch per element, which C2 keeps as a
   * branch, follows the signs of a layer's pre-activations, about as predictable as coin flips on
   * real data (the plain loop took 6.1% of the trainer's time in JMH {@code TrainerBenchmark} and
   * 1.8% of the kernel's on its one repeated batch, 2026-12-01). Either way the same bits.
   *
   * @param z the pre-activations, not modified
   * @param da the gradient with respect to the activations, not modified
   * @param dz receives the gradient with respect to the pre-activations; may be {@code da}
   */
  public static void reluGradient(float[] z, float[] da, float[] dz, int n) {
    int i = SIMD ? SimdKernels.reluGradient(z, da, dz, n) : 0;
    for (; i < n; i++) {
      dz[i] = z[i] > 0f ? da[i] : 0f;
    }
  }

  /**
   * The largest absolute value of {@code m}'s elements: 0 for an empty matrix, NaN if any element
   * is NaN (as {@link Math#max(float, float)} propagates it), infinity if any is infinite.
   *
   * <p>A vector at a time where {@link #SIMD} is on ({@link SimdKernels#maxAbs}), the rest in a
   * plain loop. On the Intel Xeon of 2026-12-01 the plain loop was not vectorized: it took 20% of
   * the JMH train step's samples (the gradients' 235,000 elements scanned every step) and 19% of
   * the pipeline's training thread; the vector scan takes 3.5% there, and the kernel learns 18-22%
   * more samples a second (JMH, alternating forks), the trainer 12-18% more. (On the AMD EPYC
   * before it the plain loop took 4.2% and an earlier vector scan, whose C2 code boxed its vectors
   * there, 13.8%; this one does not box here.) On a thread with {@link KernelThreads} bound, a
   * large matrix is scanned in ranges beside the helpers; the largest of their largest is the same
   * value.
   */
  public static float maxAbs(FMatrixRMaj m) {
    float[] d = m.data;
    int n = m.getNumElements();
    if (!KernelThreads.sharesRanges(n)) {
      return maxAbs(d, 0, n); // no holder to allocate
    }
    // the largest of the ranges' largest: the same value in any order, NaN if any range's is
    float[] max = {0f};
    KernelThreads.forRanges(
        n,
        (from, to) -> {
          float part = maxAbs(d, from, to);
          synchronized (max) {
            max[0] = Math.max(max[0], part);
          }
        });
    synchronized (max) {
      return max[0];
    }
  }

  private static float maxAbs(float[] d, int from, int to) {
    float max = 0f;
    int i = from;
    if (SIMD) {
      max = SimdKernels.maxAbs(d, from, to);
      i = SimdKernels.vectorBound(from, to);
    }
    for (; i < to; i++) {
      max = Math.max(max, Math.abs(d[i]));
    }
    return max;
  }

  private static void checkShapes(int aRows, int aCols, FMatrixRMaj b, FMatrixRMaj c) {
    if (aCols != b.numRows || aRows != c.numRows || b.numCols != c.numCols) {
      throw new IllegalArgumentException(
          "shape mismatch: op(A) "
              + aRows
              + "x"
              + aCols
              + ", B "
              + b.numRows
              + "x"
              + b.numCols
              + ", C "
              + c.numRows
              + "x"
              + c.numCols);
    }
  }

  /**
   * {@code C[i][j] = bias[j] + sum_p A(i, p) B[p][j]} where {@code A(i, p) = a[i * rowStride + p *
   * innerStride]}; cut into ranges of rows for the {@link KernelThreads} bound to this thread, if
   * any and the product is large enough to share.
   */
  private static void product(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int rows,
      int inner,
      int cols) {
    KernelThreads threads = KernelThreads.current();
    int tiles = rows / SimdKernels.TILE_ROWS;
    int fullRows = tiles * SimdKernels.TILE_ROWS;
    if (threads == null || tiles < 2 || (long) rows * inner * cols < MIN_SHARED_WORK) {
      tiledRows(a, rowStride, innerStride, b, bias, c, 0, fullRows, inner, cols);
    } else {
      int chunks = Math.min(tiles, CHUNKS_PER_THREAD * threads.threads());
      threads.run(new RowRanges(a, rowStride, innerStride, b, bias, c, tiles, chunks, inner, cols));
    }
    if (SIMD) {
      SimdKernels.leftoverRows(a, rowStride, innerStride, b, bias, c, fullRows, rows, inner, cols);
    } else {
      ScalarKernels.product(a, rowStride, innerStride, b, bias, c, fullRows, rows, 0, inner, cols);
    }
  }

  /**
   * Rows {@code [r0, r1)} of {@code C}, multiples of {@link SimdKernels#TILE_ROWS}: in tiles, or by
   * the scalar kernel without SIMD. Each element the same whichever range it falls in.
   */
  private static void tiledRows(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int r0,
      int r1,
      int inner,
      int cols) {
    if (SIMD) {
      SimdKernels.tiledRows(a, rowStride, innerStride, b, bias, c, r0, r1, inner, cols);
    } else {
      ScalarKernels.product(a, rowStride, innerStride, b, bias, c, r0, r1, 0, inner, cols);
    }
  }

  /** The whole tiles of rows of one product, cut into {@code chunks} contiguous ranges. */
  private static final class RowRanges extends KernelThreads.Job {
    private final float[] a;
    private final int rowStride;
    private final int innerStride;
    private final float[] b;
    private final float[] bias;
    private final float[] c;
    private final int tiles;
    private final int chunks;
    private final int inner;
    private final int cols;

    RowRanges(
        float[] a,
        int rowStride,
        int innerStride,
        float[] b,
        float[] bias,
        float[] c,
        int tiles,
        int chunks,
        int inner,
        int cols) {
      super(chunks);
      this.a = a;
      this.rowStride = rowStride;
      this.innerStride = innerStride;
      this.b = b;
      this.bias = bias;
      this.c = c;
      this.tiles = tiles;
      this.chunks = chunks;
      this.inner = inner;
      this.cols = cols;
    }

    @Override
    void compute(int chunk) {
      int r0 = (int) ((long) tiles * chunk / chunks) * SimdKernels.TILE_ROWS;
      int r1 = (int) ((long) tiles * (chunk + 1) / chunks) * SimdKernels.TILE_ROWS;
      tiledRows(a, rowStride, innerStride, b, bias, c, r0, r1, inner, cols);
    }
  }
}
