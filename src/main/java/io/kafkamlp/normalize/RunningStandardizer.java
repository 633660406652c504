package io.kafkamlp.normalize;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Per-feature running mean and variance of a stream, and the standardization {@code (x - mean) /
 * std} they define: the notes' mean subtraction and normalization, computed online.
 *
 * <p><b>Two modes</b>, chosen by {@code forgetting}:
 *
 * <ul>
 *   <li>{@code forgetting = 0}: exact statistics of every sample seen, by Welford's algorithm
 *       (Welford 1962; Knuth, TAOCP vol. 2, 4.2.2), numerically stable however large the offset:
 *       <pre>
 * n    += 1
 * d     = x - mean
 * mean += d / n
 * M2   += d * (x - mean)          variance = M2 / (n - 1) for n &gt; 1 (unbiased), else 0
 * </pre>
 *   <li>{@code forgetting = alpha} in (0, 1): exponentially weighted mean and variance, for
 *       drifting streams (West 1979; Finch 2009, "Incremental calculation of weighted mean and
 *       variance"): the first sample sets {@code mean = x, var = 0}; after it
 *       <pre>
 * d     = x - mean
 * incr  = alpha * d
 * mean += incr
 * var   = (1 - alpha) * (var + d * incr)
 * </pre>
 *       A sample k updates ago weighs {@code alpha (1 - alpha)^k} (the first sample keeps the rest,
 *       {@code (1 - alpha)^(n-1)}): the memory is about {@code 1/alpha} samples.
 * </ul>
 *
 * <p><b>Transform.</b> {@code out[i] = ((x[i] - c[i]) - l[i]) * s[i]} in float, with the centre
 * {@code c[i] = (float) mean(i)} and its low part {@code l[i] = (float) (mean(i) - c[i])} (the mean
 * to about 48 bits: a feature far from zero with a small spread is still centred), and the inverse
 * scale {@code s[i] = (float) (1 / scale(i))}, where {@code scale(i) = sqrt(variance(i))}, or 1
 * where {@code variance(i) < 1e-12} (a feature constant so far, or fewer than two samples: only
 * centred, as scikit-learn's {@code StandardScaler} does). The centres and inverse scales are
 * computed in double once per change of the statistics and kept, so transforming a batch of samples
 * after their updates ({@link #transformRows}), or every request between two snapshots, costs one
 * square root per feature in all, and two subtractions and a multiplication per feature and sample.
 *
 * <p><b>Use.</b> Update only with training samples; transform training, validation and prediction
 * samples alike (the notes: statistics come from the training split only). The statistics are in
 * double, in loops C2 vectorizes ({@link StandardizerLoops}); {@link #update} and {@link
 * #transform} allocate nothing, working in scratch arrays of their own. Not thread-safe, not even
 * for two threads that only transform: one user, as the trainer task is.
 *
 * <p><b>State</b> is {@code count}, {@code mean[]} and {@code M2[]} (Welford) or {@code var[]}
 * (weighted). {@link #toBytes} / {@link #fromBytes} and {@link #writeTo} / {@link #readFrom} save
 * and restore it bit for bit, so training after a round trip gives the same bits as training
 * without one. Format version 1, big-endian ({@link DataOutput}):
 *
 * <pre>
 * int    magic 0x4B535444 ("KSTD")
 * short  format version (1)
 * int    features (1 .. MAX_FEATURES)
 * long   forgetting (raw double bits, in [0, 1))
 * long   count (&gt;= 0)
 * long   mean[features]         (raw double bits, finite)
 * long   m2OrVar[features]      (raw double bits, finite, &gt;= 0): M2 when forgetting = 0, else var
 * </pre>
 */
public final class RunningStandardizer {

  /** "KSTD". */
  public static final int MAGIC = 0x4B535444;

  public static final short VERSION = 1;

  /**
   * The largest feature count, bounding what a corrupt header can make {@link #readFrom} allocate.
   */
  public static final int MAX_FEATURES = 1 << 20;

  /** Variances below this count as zero: such a feature is centred but not scaled. */
  public static final double MIN_VARIANCE = 1e-12;

  private static final int HEADER_BYTES = 4 + 2 + 4 + 8 + 8;

  private final double forgetting;
  private final double[] mean;

  /** M2 (sum of squared deviations) when forgetting = 0, else the weighted variance. */
  private final double[] m2OrVar;

  /** Scratch of {@link StandardizerLoops}: the features in double. */
  private final double[] wide;

  /** Scratch of {@link StandardizerLoops}: the variances, then the inverse scales, in double. */
  private final double[] scale;

  /** The transform's centres, {@code (float) mean}, while {@link #scalesCurrent}. */
  private final float[] centre;

  /** What the centres leave of the means, {@code (float) (mean - centre)}. */
  private final float[] centreLow;

  /** The transform's inverse scales, while {@link #scalesCurrent}. */
  private final float[] inverseScale;

  /** Whether the centres and inverse scales follow the statistics as they are. */
  private boolean scalesCurrent;

  private long count;

  /**
   * An empty standardizer: count 0, means 0, variances 0 (so {@link #transform} is the identity
   * until the first update).
   *
   * @param features the number of features, 1 .. {@link #MAX_FEATURES}
   * @param forgetting 0 for exact (Welford) statistics, or the weight alpha in (0, 1) of each new
   *     sample in exponentially weighted ones
   * @throws IllegalArgumentException when an argument is out of range
   */
  public RunningStandardizer(int features, double forgetting) {
    if (features < 1 || features > MAX_FEATURES) {
      throw new IllegalArgumentException(
          "features must be in 1.." + MAX_FEATURES + ", got " + features);
    }
    if (!(forgetting >= 0.0 && forgetting < 1.0)) {
      throw new IllegalArgumentException(
          "forgetting must be 0 (exact) or in (0, 1) (exponential weighting), got " + forgetting);
    }
    this.forgetting = forgetting;
    this.mean = new double[features];
    this.m2OrVar = new double[features];
    this.wide = new double[features];
    this.scale = new double[features];
    this.centre = new float[features];
    this.centreLow = new float[features];
    this.inverseScale = new float[features];
  }

  /**
   * Adds one sample to the statistics. Nothing changes when it is rejected.
   *
   * @param x the sample's features. Not modified.
   * @throws IllegalArgumentException when {@code x.length != features()} or a value is NaN or
   *     infinite (a non-finite value would poison the statistics for good)
   */
  public void update(float[] x) {
    checkLength(x, "x");
    accumulate(x);
  }

  /** Adds a sample of the right length to the statistics. */
  private void accumulate(float[] x) {
    // into the scratch array first, checked on the way: the statistics change only after
    if (!StandardizerLoops.widenFinite(x, wide, x.length)) {
      throw notFinite(x);
    }
    count++;
    scalesCurrent = false;
    if (forgetting == 0.0) {
      StandardizerLoops.welford(wide, mean, m2OrVar, count, x.length);
    } else if (count == 1) {
      for (int i = 0; i < x.length; i++) {
        // mean = x, var = 0
        mean[i] = x[i];
        m2OrVar[i] = 0.0;
      }
    } else {
      StandardizerLoops.weighted(wide, mean, m2OrVar, forgetting, x.length);
    }
  }

  /** The error for a sample with a value that is not finite, naming the first. */
  private static IllegalArgumentException notFinite(float[] x) {
    int i = 0;
    while (Float.isFinite(x[i])) {
      i++;
    }
    return new IllegalArgumentException("feature " + i + " is not finite: " + x[i]);
  }

  /**
   * Standardizes one sample as the class comment says ({@code (x[i] - mean(i)) / scale(i)}, in
   * float, the mean in two parts). Does not change the statistics.
   *
   * @param x the features. Not modified (unless it is {@code out}).
   * @param out receives the standardized features; may be {@code x} itself. Modified.
   * @throws IllegalArgumentException when either length differs from {@code features()}
   */
  public void transform(float[] x, float[] out) {
    checkLength(x, "x");
    checkLength(out, "out");
    refreshScales();
    StandardizerLoops.standardize(x, 0, out, 0, centre, centreLow, inverseScale, mean.length);
  }

  /**
   * Standardizes {@code samples} samples stored one after another in {@code rows} from offset
   * {@code from} ({@code features()} values each, as the rows of a row-major matrix), in place, as
   * {@link #transform} does each: the same bits. Does not change the statistics.
   *
   * @param rows the samples. Modified.
   * @throws IllegalArgumentException when the samples do not lie within {@code rows}
   */
  public void transformRows(float[] rows, int from, int samples) {
    int features = mean.length;
    if (from < 0 || samples < 0 || from + (long) samples * features > rows.length) {
      throw new IllegalArgumentException(
          samples
              + " samples of "
              + features
              + " features from offset "
              + from
              + " do not lie within "
              + rows.length
              + " values");
    }
    refreshScales();
    for (int r = 0; r < samples; r++) {
      int at = from + r * features;
      StandardizerLoops.standardize(rows, at, rows, at, centre, centreLow, inverseScale, features);
    }
  }

  /** Brings the transform's centres and inverse scales up to the statistics, if they changed. */
  private void refreshScales() {
    if (!scalesCurrent) {
      StandardizerLoops.scales(
          mean, m2OrVar, divisor(), MIN_VARIANCE, scale, centre, centreLow, inverseScale);
      scalesCurrent = true;
    }
  }

  /** What {@code m2OrVar} is divided by for the variance. */
  private double divisor() {
    return forgetting != 0.0 ? 1.0 : count > 1 ? count - 1 : Double.POSITIVE_INFINITY;
  }

  /** The number of samples the statistics have seen. */
  public long count() {
    return count;
  }

  /** The running (or weighted) mean of feature {@code i}; 0 before the first update. */
  public double mean(int i) {
    return mean[i];
  }

  /**
   * The variance of feature {@code i}: {@code M2 / (count - 1)} when exact (0 for count &lt; 2),
   * the weighted variance otherwise (0 for count &lt; 2).
   */
  public double variance(int i) {
    if (forgetting == 0.0) {
      return count > 1 ? m2OrVar[i] / (count - 1) : 0.0;
    }
    return m2OrVar[i];
  }

  /**
   * The scale of feature {@code i}: {@code sqrt(variance(i))}, or 1 when {@code variance(i) <
   * MIN_VARIANCE}; {@link #transform} multiplies by its inverse, rounded to float.
   */
  public double scale(int i) {
    double variance = variance(i);
    return variance < MIN_VARIANCE ? 1.0 : Math.sqrt(variance);
  }

  public int features() {
    return mean.length;
  }

  /** 0 for exact statistics, else the weight alpha of each new sample. */
  public double forgetting() {
    return forgetting;
  }

  /** The length of {@link #toBytes}: {@code 26 + 16 * features()}. */
  public int serializedSize() {
    return HEADER_BYTES + 16 * mean.length;
  }

  /** The whole state in format version 1 (see the class comment). */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(serializedSize());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Writes the whole state, exactly {@link #serializedSize()} bytes, so that it can be one field of
   * a larger record; {@link #readFrom} reads it back.
   *
   * @param out where to write. Modified.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeShort(VERSION);
    out.writeInt(mean.length);
    out.writeLong(Double.doubleToRawLongBits(forgetting));
    out.writeLong(count);
    for (double v : mean) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
    for (double v : m2OrVar) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
  }

  /**
   * Rebuilds a standardizer from exactly the bytes of {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are truncated, have trailing bytes, or are not
   *     a valid standardizer state of a known version
   */
  public static RunningStandardizer fromBytes(byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "truncated standardizer state: "
              + bytes.length
              + " bytes, the header alone is "
              + HEADER_BYTES);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      Header header = readHeader(in);
      long expected = HEADER_BYTES + 16L * header.features;
      if (bytes.length != expected) {
        throw new IllegalArgumentException(
            (bytes.length < expected ? "truncated" : "trailing bytes in")
                + " standardizer state: "
                + bytes.length
                + " bytes where "
                + header.features
                + " features take "
                + expected);
      }
      return readBody(in, header);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt standardizer state", e);
    }
  }

  /**
   * Reads a state written by {@link #writeTo}, consuming exactly its bytes.
   *
   * @param in where to read from. Modified (advanced).
   * @throws java.io.EOFException when the input ends inside the state
   * @throws IllegalArgumentException when the bytes are not a valid standardizer state of a known
   *     version
   */
  public static RunningStandardizer readFrom(DataInput in) throws IOException {
    return readBody(in, readHeader(in));
  }

  private record Header(int features, double forgetting, long count) {}

  private static Header readHeader(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IllegalArgumentException(
          String.format("not a standardizer state: magic 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    short version = in.readShort();
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported standardizer format version " + version);
    }
    int features = in.readInt();
    if (features < 1 || features > MAX_FEATURES) {
      throw new IllegalArgumentException("corrupt standardizer state: " + features + " features");
    }
    double forgetting = Double.longBitsToDouble(in.readLong());
    if (!(forgetting >= 0.0 && forgetting < 1.0)) {
      throw new IllegalArgumentException("corrupt standardizer state: forgetting " + forgetting);
    }
    long count = in.readLong();
    if (count < 0) {
      throw new IllegalArgumentException("corrupt standardizer state: count " + count);
    }
    return new Header(features, forgetting, count);
  }

  private static RunningStandardizer readBody(DataInput in, Header header) throws IOException {
    RunningStandardizer s = new RunningStandardizer(header.features, header.forgetting);
    s.count = header.count;
    for (int i = 0; i < header.features; i++) {
      double v = Double.longBitsToDouble(in.readLong());
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("corrupt standardizer state: mean[" + i + "] = " + v);
      }
      s.mean[i] = v;
    }
    for (int i = 0; i < header.features; i++) {
      double v = Double.longBitsToDouble(in.readLong());
      if (!(Double.isFinite(v) && v >= 0.0)) {
        throw new IllegalArgumentException(
            "corrupt standardizer state: "
                + (header.forgetting == 0.0 ? "M2[" : "var[")
                + i
                + "] = "
                + v);
      }
      s.m2OrVar[i] = v;
    }
    return s;
  }

  private void checkLength(float[] x, String name) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException(
          name + " has " + x.length + " features, the standardizer " + mean.length);
    }
  }

  @Override
  public String toString() {
    return "RunningStandardizer[features="
        + mean.length
        + ", forgetting="
        + forgetting
        + ", count="
        + count
        + "]";
  }
}
