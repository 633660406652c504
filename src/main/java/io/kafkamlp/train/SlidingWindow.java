package io.kafkamlp.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The mean of a quantity over the last {@code capacity} batches, weighted by batch size: {@code sum
 * of totals / sum of counts}. A ring buffer of (total, count) pairs; its state is saved with the
 * trainer's checkpoint, so metrics continue exactly after a restart.
 */
public final class SlidingWindow {

  private final double[] totals;
  private final long[] counts;
  private int next;
  private int filled;

  /**
   * @param capacity batches kept, {@code >= 1}
   */
  public SlidingWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("window capacity must be >= 1, got " + capacity);
    }
    totals = new double[capacity];
    counts = new long[capacity];
  }

  /** Adds one batch: {@code total} summed over {@code count} samples. */
  public void add(double total, long count) {
    totals[next] = total;
    counts[next] = count;
    next = (next + 1) % totals.length;
    filled = Math.min(filled + 1, totals.length);
  }

  /** The weighted mean over the window; NaN while empty. */
  public double mean() {
    double total = 0;
    long count = 0;
    for (int i = 0; i < filled; i++) {
      total += totals[i];
      count += counts[i];
    }
    return count == 0 ? Double.NaN : total / count;
  }

  /** Number of batches in the window. */
  public int size() {
    return filled;
  }

  public int capacity() {
    return totals.length;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeInt(totals.length);
    out.writeInt(next);
    out.writeInt(filled);
    for (int i = 0; i < totals.length; i++) {
      out.writeDouble(totals[i]);
      out.writeLong(counts[i]);
    }
  }

  static SlidingWindow readFrom(DataInput in) throws IOException {
    SlidingWindow window = new SlidingWindow(in.readInt());
    window.next = in.readInt();
    window.filled = in.readInt();
    for (int i = 0; i < window.totals.length; i++) {
      window.totals[i] = in.readDouble();
      window.counts[i] = in.readLong();
    }
    return window;
  }
}
