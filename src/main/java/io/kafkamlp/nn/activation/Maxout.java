package io.kafkamlp.nn.activation;

import org.ejml.data.FMatrixRMaj;

/**
 * Maxout (Goodfellow et al., 2013): unit {@code u} outputs {@code max(z[u*k], ..., z[u*k+k-1])},
 * the largest of its {@code k} linear pieces; it generalizes ReLU and leaky ReLU at {@code k} times
 * the parameters. The gradient flows to the winning piece only (the first, on a tie).
 */
final class Maxout implements Activation {

  private final int pieces;

  Maxout(int pieces) {
    if (pieces < 2) {
      throw new IllegalArgumentException("maxout needs at least 2 pieces, got " + pieces);
    }
    this.pieces = pieces;
  }

  @Override
  public String name() {
    return "maxout";
  }

  @Override
  public int inputWidth(int units) {
    return units * pieces;
  }

  @Override
  public double initStd(int fanIn, int fanOut) {
    return Math.sqrt(2.0 / fanIn);
  }

  @Override
  public void forward(FMatrixRMaj z, FMatrixRMaj a) {
    float[] zd = z.data;
    float[] ad = a.data;
    int n = a.getNumElements();
    for (int u = 0; u < n; u++) {
      ad[u] = zd[winner(zd, u * pieces)];
    }
  }

  @Override
  public void backward(FMatrixRMaj z, FMatrixRMaj a, FMatrixRMaj dA, FMatrixRMaj dZ) {
    float[] zd = z.data;
    float[] da = dA.data;
    float[] dz = dZ.data;
    java.util.Arrays.fill(dz, 0, z.getNumElements(), 0f);
    int n = a.getNumElements();
    for (int u = 0; u < n; u++) {
      dz[winner(zd, u * pieces)] = da[u];
    }
  }

  @Override
  public long kinks(FMatrixRMaj z, long hash) {
    long h = hash;
    int n = z.getNumElements();
    for (int start = 0; start < n; start += pieces) {
      h = h * 31 + (winner(z.data, start) - start);
    }
    return h;
  }

  private int winner(float[] zd, int start) {
    int best = start;
    for (int p = start + 1; p < start + pieces; p++) {
      if (zd[p] > zd[best]) {
        best = p;
      }
    }
    return best;
  }
}
