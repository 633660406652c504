package io.kafkamlp.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * The CS231n spiral: {@code classes} arms of {@code perClass} points in 2-D, not linearly
 * separable. {@code r = i / perClass}, {@code theta = 4 (c + r) + 0.2 noise}.
 */
final class Spiral {

  final FMatrixRMaj x;
  final FMatrixRMaj labels;

  Spiral(int classes, int perClass, long seed) {
    Rng rng = new Rng(seed);
    int n = classes * perClass;
    x = new FMatrixRMaj(n, 2);
    labels = new FMatrixRMaj(n, 1);
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < perClass; i++) {
        int row = c * perClass + i;
        double r = (double) i / perClass;
        double theta = 4.0 * c + 4.0 * r + 0.2 * rng.nextGaussian();
        x.set(row, 0, (float) (r * Math.sin(theta)));
        x.set(row, 1, (float) (r * Math.cos(theta)));
        labels.set(row, 0, c);
      }
    }
  }

  /** Rows {@code order[from..from+size)} of the data into {@code xb} and {@code tb}. */
  void batch(int[] order, int from, int size, FMatrixRMaj xb, FMatrixRMaj tb) {
    xb.reshape(size, 2);
    tb.reshape(size, 1);
    for (int k = 0; k < size; k++) {
      int row = order[from + k];
      xb.set(k, 0, x.get(row, 0));
      xb.set(k, 1, x.get(row, 1));
      tb.set(k, 0, labels.get(row, 0));
    }
  }

  int size() {
    return x.numRows;
  }
}
