package io.kafkamlp.nn.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled products on the Vector API: a tile of 4 rows x 2 vectors of {@code C} stays in
 * registers for the whole inner loop, so each loaded vector of {@code B} feeds 4 fused
 * multiply-adds; past the last such tile, a tile of 4 rows x 1 vector if there is room, then one of
 * 4 rows x the columns left, fewer than a vector. Rows left over (a single sample, when serving)
 * stream {@code B} once, row by row, instead: per row, the tile's column-by-column passes would
 * read all of {@code B} with a stride of one row per step, which under the cache pressure of a busy
 * pipeline cost 3x the time of one sequential read (measured: 370 against 127 us per 784-256-128-10
 * prediction, JFR samples of the serving thread at 1,000 requests/s). Loaded only when {@link
 * MatrixKernels#SIMD} is true.
 */
final class SimdKernels {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final int TILE_COLS = 2 * LANES;

  private SimdKernels() {}

  /**
   * {@code dz[i] = z[i] > 0 ? da[i] : 0} for {@code i} below the largest multiple of the vector
   * width not above {@code n}, a vector at a time (a compare and a blend, no branch); returns that
   * bound, where the caller goes on.
   */
  static int reluGradient(float[] z, float[] da, float[] dz, int n) {
    int bound = SPECIES.loopBound(n);
    FloatVector zero = FloatVector.zero(SPECIES);
    for (int i = 0; i < bound; i += LANES) {
      VectorMask<Float> positive =
          FloatVector.fromArray(SPECIES, z, i).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(SPECIES, da, i), positive).intoArray(dz, i);
    }
    return bound;
  }

  /**
   * The largest absolute value of {@code d[from..bound)}, where {@code bound} is {@code from} plus
   * the largest multiple of the vector width that fits before {@code to}: four running maxima, each
   * over every fourth vector, then one over the vectors left, reduced once at the end; NaN if any
   * element is (the lanewise and reduced maximum propagate NaN as {@link Math#max(float, float)}
   * does, in any order). Elements from {@code bound} on are the caller's; {@code bound} is {@code
   * to - (to - from) % LANES}.
   *
   * <p>Four maxima, not one: each vector's maximum waits on the one before it, and a single chain
   * ran at the latency of that compare-and-blend, 37.8 us for the default model's 784 x 256
   * gradient against 10.8 with four (an AMD EPYC with AVX-512, 2026-12-01), while the scan of all
   * four gradients took 7.4% of the pipeline's training thread (JFR, ten passes from a backlog).
   */
  static float maxAbs(float[] d, int from, int to) {
    int bound = vectorBound(from, to);
    int fourBound = from + (bound - from) / (4 * LANES) * (4 * LANES);
    FloatVector max0 = FloatVector.zero(SPECIES);
    FloatVector max1 = max0;
    FloatVector max2 = max0;
    FloatVector max3 = max0;
    int i = from;
    for (; i < fourBound; i += 4 * LANES) {
      max0 = max0.max(FloatVector.fromArray(SPECIES, d, i).abs());
      max1 = max1.max(FloatVector.fromArray(SPECIES, d, i + LANES).abs());
      max2 = max2.max(FloatVector.fromArray(SPECIES, d, i + 2 * LANES).abs());
      max3 = max3.max(FloatVector.fromArray(SPECIES, d, i + 3 * LANES).abs());
    }
    for (; i < bound; i += LANES) {
      max0 = max0.max(FloatVector.fromArray(SPECIES, d, i).abs());
    }
    return max0.max(max1).max(max2.max(max3)).reduceLanes(VectorOperators.MAX);
  }

  /** Where {@link #maxAbs} stops: {@code to} less what does not fill a vector from {@code from}. */
  static int vectorBound(int from, int to) {
    return from + SPECIES.loopBound(to - from);
  }

  /** Rows of {@code C} that {@link #tiledRows} computes together: its row ranges start at these. */
  static final int TILE_ROWS = 4;

  /**
   * Rows {@code [r0, r1)} of {@code C} in tiles, {@code r0} and {@code r1} multiples of {@link
   * #TILE_ROWS}: the same code for each element whichever range it falls in, so that cutting the
   * rows into ranges (for {@link KernelThreads}) gives the bits of one call over them all.
   */
  static void tiledRows(
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
    int fullCols = cols - cols % TILE_COLS;
    // one more vector of columns in a narrow tile, if there is room: with 256-bit vectors the
    // 10-unit output layer's products would otherwise run scalar (about a tenth of the training
    // thread's time)
    int vectorCols = cols - fullCols >= LANES ? fullCols + LANES : fullCols;
    // the columns left, fewer than a vector (with 512-bit ones, all 10 of the output layer's), in
    // a tile of their own
    int partialCols = cols - vectorCols;
    int partialInner = partialCols == 0 ? 0 : wholeVectorRows(b.length, vectorCols, inner, cols);
    float[] partialStart = partialCols == 0 ? null : partialStart(bias, vectorCols, partialCols);
    for (int i = r0; i < r1; i += TILE_ROWS) {
      for (int j = 0; j < fullCols; j += TILE_COLS) {
        tile(a, rowStride, innerStride, b, bias, c, i, j, inner, cols);
      }
      if (vectorCols > fullCols) {
        narrowTile(a, rowStride, innerStride, b, bias, c, i, fullCols, inner, cols);
      }
      if (partialCols > 0) {
        partialTile(
            a,
            rowStride,
            innerStride,
            b,
            partialStart,
            c,
            i,
            vectorCols,
            partialInner,
            inner,
            cols);
      }
    }
  }

  /** Each thread's {@link #partialStart}, so that a product allocates nothing. */
  private static final ThreadLocal<float[]> PARTIAL_START =
      ThreadLocal.withInitial(() -> new float[LANES]);

  /**
   * The first term of a {@link #partialTile}'s chains, a vector's worth: the bias at columns {@code
   * [j, j + count)} (or zero), then zeros; this thread's array, valid until its next call. An array
   * and not a vector: a vector built lane by lane, or passed between methods C2 did not inline into
   * one another, was boxed on an AMD EPYC on 2026-12-01 (the output layer's forward and {@code dW}
   * 60 against 25 us a step before this tile, 5 in it).
   */
  private static float[] partialStart(float[] bias, int j, int count) {
    float[] start = PARTIAL_START.get();
    if (bias == null) {
      Arrays.fill(start, 0f);
    } else {
      System.arraycopy(bias, j, start, 0, count);
      Arrays.fill(start, count, LANES, 0f);
    }
    return start;
  }

  /**
   * How many rows {@code p} of {@code B}, from the first, have a whole vector from column {@code j}
   * inside {@code b}'s array: {@code p * cols + j + LANES <= length}, at most {@code inner}.
   */
  private static int wholeVectorRows(int length, int j, int inner, int cols) {
    int room = length - LANES - j;
    return room < 0 ? 0 : Math.min(inner, room / cols + 1);
  }

  /**
   * The last {@code count < LANES} columns of a tile's 4 rows, from column {@code j}: as {@link
   * #narrowTile} over the rows {@code p < vectorInner} of {@code B} (whole vectors loaded: the
   * lanes past column {@code cols - 1} hold the next row's values, whose products are never
   * stored), then element by element over the rest. Each element sees its terms in increasing
   * {@code p} from {@code start}'s lane, as the scalar kernel's do, so the bits are the same; on an
   * AMD EPYC on 2026-12-01 the output layer's products had taken 5.6% of the training thread's time
   * one column at a time (JFR, ten passes from a backlog).
   */
  private static void partialTile(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] start,
      float[] c,
      int i,
      int j,
      int vectorInner,
      int inner,
      int cols) {
    FloatVector c0 = FloatVector.fromArray(SPECIES, start, 0);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    int a0 = i * rowStride;
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    for (int p = 0; p < vectorInner; p++) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, p * cols + j);
      int ap = p * innerStride;
      c0 = FloatVector.broadcast(SPECIES, a[a0 + ap]).fma(b0, c0);
      c1 = FloatVector.broadcast(SPECIES, a[a1 + ap]).fma(b0, c1);
      c2 = FloatVector.broadcast(SPECIES, a[a2 + ap]).fma(b0, c2);
      c3 = FloatVector.broadcast(SPECIES, a[a3 + ap]).fma(b0, c3);
    }
    int count = cols - j;
    int c0Index = i * cols + j;
    storeLanes(c0, c, c0Index, count);
    storeLanes(c1, c, c0Index + cols, count);
    storeLanes(c2, c, c0Index + 2 * cols, count);
    storeLanes(c3, c, c0Index + 3 * cols, count);
    for (int p = vectorInner; p < inner; p++) {
      int ap = p * innerStride;
      int bRow = p * cols + j;
      for (int r = 0; r < TILE_ROWS; r++) {
        float ar = a[a0 + r * rowStride + ap];
        int cRow = c0Index + r * cols;
        for (int k = 0; k < count; k++) {
          c[cRow + k] = Math.fma(ar, b[bRow + k], c[cRow + k]);
        }
      }
    }
  }

  /** {@code v}'s first {@code count} lanes into {@code c} from {@code at}; nothing past them. */
  private static void storeLanes(FloatVector v, float[] c, int at, int count) {
    for (int k = 0; k < count; k++) {
      c[at + k] = v.lane(k);
    }
  }

  /**
   * Rows {@code [r0, r1)} past the last whole tile (a single sample, when serving), one at a time,
   * streaming {@code B}.
   */
  static void leftoverRows(
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
    for (int i = r0; i < r1; i++) {
      streamRow(a, rowStride, innerStride, b, bias, c, i, inner, cols);
    }
  }

  /** The first term of each fma chain: the bias at columns {@code [j, j + LANES)}, or zero. */
  private static FloatVector start(float[] bias, int j) {
    return bias == null ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, bias, j);
  }

  /**
   * One whole row of {@code C}, streaming {@code B} row by row: for each {@code p}, one fma per
   * element of the row, accumulated in {@code c} itself (a row is small enough for L1). Each
   * element still sees its terms in increasing {@code p}, and {@code B} is read once, in order.
   */
  private static void streamRow(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int i,
      int inner,
      int cols) {
    int c0 = i * cols;
    int vectorCols = cols - cols % LANES;
    if (bias == null) {
      Arrays.fill(c, c0, c0 + cols, 0f);
    } else {
      System.arraycopy(bias, 0, c, c0, cols);
    }
    int a0 = i * rowStride;
    for (int p = 0; p < inner; p++) {
      float ap = a[a0 + p * innerStride];
      FloatVector x = FloatVector.broadcast(SPECIES, ap);
      int bRow = p * cols;
      int j = 0;
      for (; j < vectorCols; j += LANES) {
        FloatVector sum = FloatVector.fromArray(SPECIES, c, c0 + j);
        x.fma(FloatVector.fromArray(SPECIES, b, bRow + j), sum).intoArray(c, c0 + j);
      }
      for (; j < cols; j++) {
        c[c0 + j] = Math.fma(ap, b[bRow + j], c[c0 + j]);
      }
    }
  }

  /** {@link #tile} one vector wide: 4 rows x {@code LANES} columns from column {@code j}. */
  private static void narrowTile(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int i,
      int j,
      int inner,
      int cols) {
    FloatVector c0 = start(bias, j);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    int a0 = i * rowStride;
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    for (int p = 0; p < inner; p++) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, p * cols + j);
      int ap = p * innerStride;
      c0 = FloatVector.broadcast(SPECIES, a[a0 + ap]).fma(b0, c0);
      c1 = FloatVector.broadcast(SPECIES, a[a1 + ap]).fma(b0, c1);
      c2 = FloatVector.broadcast(SPECIES, a[a2 + ap]).fma(b0, c2);
      c3 = FloatVector.broadcast(SPECIES, a[a3 + ap]).fma(b0, c3);
    }
    int c0Index = i * cols + j;
    c0.intoArray(c, c0Index);
    c1.intoArray(c, c0Index + cols);
    c2.intoArray(c, c0Index + 2 * cols);
    c3.intoArray(c, c0Index + 3 * cols);
  }

  private static void tile(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int i,
      int j,
      int inner,
      int cols) {
    FloatVector c00 = start(bias, j);
    FloatVector c01 = start(bias, j + LANES);
    FloatVector c10 = c00;
    FloatVector c11 = c01;
    FloatVector c20 = c00;
    FloatVector c21 = c01;
    FloatVector c30 = c00;
    FloatVector c31 = c01;
    int a0 = i * rowStride;
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    for (int p = 0; p < inner; p++) {
      int bRow = p * cols + j;
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + LANES);
      int ap = p * innerStride;
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + ap]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(SPECIES, a[a1 + ap]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(SPECIES, a[a2 + ap]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(SPECIES, a[a3 + ap]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    int c0 = i * cols + j;
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + LANES);
    c10.intoArray(c, c0 + cols);
    c11.intoArray(c, c0 + cols + LANES);
    c20.intoArray(c, c0 + 2 * cols);
    c21.intoArray(c, c0 + 2 * cols + LANES);
    c30.intoArray(c, c0 + 3 * cols);
    c31.intoArray(c, c0 + 3 * cols + LANES);
  }
}
