package io.kafkamlp.nn.kernel;

/** Plain-Java kernels; the reference order of operations for {@link SimdKernels}. */
final class ScalarKernels {

  private ScalarKernels() {}

  /**
   * The block {@code rows [r0, r1) x cols [j0, cols)} of {@code C = bias + op(A) B}, each element
   * one fma chain over {@code p} in increasing order.
   *
   * <p>The loops run {@code i, p, j}, so the innermost one streams along a row of {@code B} and of
   * {@code C} (which HotSpot vectorizes), while each element still sees its fma terms in increasing
   * {@code p}.
   */
  static void product(
      float[] a,
      int rowStride,
      int innerStride,
      float[] b,
      float[] bias,
      float[] c,
      int r0,
      int r1,
      int j0,
      int inner,
      int cols) {
    for (int i = r0; i < r1; i++) {
      int aRow = i * rowStride;
      int cRow = i * cols;
      for (int j = j0; j < cols; j++) {
        c[cRow + j] = bias == null ? 0f : bias[j];
      }
      for (int p = 0; p < inner; p++) {
        float x = a[aRow + p * innerStride];
        int bRow = p * cols;
        for (int j = j0; j < cols; j++) {
          c[cRow + j] = Math.fma(x, b[bRow + j], c[cRow + j]);
        }
      }
    }
  }
}
