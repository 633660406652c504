package io.kafkamlp.nn.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled products on the Vector API: a tile of 4 rows x 2 vectors of {@code C} stays in
 * registers for the whole inner loop, so each loaded vector of {@code B} feeds 4 fused
 * multiply-adds; past the last such tile, a tile of 4 rows x 1 vector if there is room, then each
 * last column as 4 chains at once. Rows left over (a single sample, when serving) stream {@code B}
 * once, row by row, instead: per row, the tile's column-by-column passes would read all of {@code
 * B} with a stride of one row per step, which under the cache pressure of a busy pipeline cost 3x
 * the time of one sequential read (measured: 370 against 127 us per 784-256-128-10 prediction, JFR
 * samples of the serving thread at 1,000 requests/s). Loaded only when {@link MatrixKernels#SIMD}
 * is true.
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
   * gradient against 10.8 with four (the Intel Xeon of 2026-12-01, AVX-512), while the scan of all
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
    // thread's time); with 512-bit ones its 10 columns are fewer than a vector and still do
    int vectorCols = cols - fullCols >= LANES ? fullCols + LANES : fullCols;
    for (int i = r0; i < r1; i += TILE_ROWS) {
      for (int j = 0; j < fullCols; j += TILE_COLS) {
        tile(a, rowStride, innerStride, b, bias, c, i, j, inner, cols);
      }
      if (vectorCols > fullCols) {
        narrowTile(a, rowStride, innerStride, b, bias, c, i, fullCols, inner, cols);
      }
      // columns left over in the same order of operations, so results match the scalar kernel bit
      // for bit
      for (int j = vectorCols; j < cols; j++) {
        scalarColumn(a, rowStride, innerStride, b, bias, c, i, j, inner, cols);
      }
    }
  }

  /**
   * Column {@code j} of a tile's 4 rows as 4 independent fma chains (one chain at a time would wait
   * on each fma's latency; {@link ScalarKernels}' order, one short row of columns per {@code p},
   * spends its time on loop overhead when only a column or two is left).
   */
  private static void scalarColumn(
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
    float first = bias == null ? 0f : bias[j];
    float c0 = first;
    float c1 = first;
    float c2 = first;
    float c3 = first;
    int a0 = i * rowStride;
    int a1 = a0 + rowStride;
    int a2 = a1 + rowStride;
    int a3 = a2 + rowStride;
    for (int p = 0; p < inner; p++) {
      float bp = b[p * cols + j];
      int ap = p * innerStride;
      c0 = Math.fma(a[a0 + ap], bp, c0);
      c1 = Math.fma(a[a1 + ap], bp, c1);
      c2 = Math.fma(a[a2 + ap], bp, c2);
      c3 = Math.fma(a[a3 + ap], bp, c3);
    }
    int c0Index = i * cols + j;
    c[c0Index] = c0;
    c[c0Index + cols] = c1;
    c[c0Index + 2 * cols] = c2;
    c[c0Index + 3 * cols] = c3;
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
