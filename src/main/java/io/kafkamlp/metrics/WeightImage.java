package io.kafkamlp.metrics;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.ejml.data.FMatrixRMaj;

/**
 * Renders the first dense layer's weights as a PNG, to see what the hidden units have learned.
 *
 * <p><b>Input.</b> {@code W} is stored inputs x outputs: row {@code i} is input feature {@code i},
 * column {@code j} holds the incoming weights of hidden unit {@code j}, so the weight from input
 * {@code i} to unit {@code j} is {@code weights.get(i, j)}. The matrix is only read.
 *
 * <p><b>Colour map (diverging, symmetric around 0).</b> A weight {@code w} is divided by a scale
 * {@code m > 0} and clamped: {@code t = clamp(w / m, -1, 1)}. Then
 *
 * <ul>
 *   <li>{@code t >= 0}: {@code (r, g, b) = (255, 255(1 - t), 255(1 - t))}, white at 0 up to pure
 *       red {@code (255, 0, 0)} at {@code +m};
 *   <li>{@code t < 0}: {@code (r, g, b) = (255(1 + t), 255(1 + t), 255)}, white at 0 down to pure
 *       blue {@code (0, 0, 255)} at {@code -m};
 *   <li>{@code NaN}: black {@code (0, 0, 0)}; {@code ±Infinity} saturates to pure red or blue.
 * </ul>
 *
 * Channels are rounded to the nearest integer. {@code m} is the largest {@code |w|} among the
 * finite weights being normalized together (see below); if they are all zero every finite weight is
 * white.
 *
 * <p><b>Tile mode</b> (the number of inputs is a perfect square {@code s * s}, e.g. 784 = 28 x 28
 * for Fashion-MNIST). Each unit's column is drawn as an {@code s x s} tile, input {@code i} at tile
 * row {@code i / s}, tile column {@code i % s}: the unit's "filter" in image space, as in CS231n's
 * pictures of first-layer weights. Each tile is normalized on its own ({@code m} = max |w| of that
 * unit's column), so every unit uses the full colour range and its pattern stays visible however
 * small its weights; colours therefore compare within a tile, not across tiles. Tiles are laid out
 * row-major (unit {@code j} at grid row {@code j / cols}, grid column {@code j % cols}) in a grid
 * of {@code cols = ceil(sqrt(units))} columns and {@code rows = ceil(units / cols)} rows. Each tile
 * cell is an integer {@code scale x scale} block of pixels, the smallest scale {@code >= 1} that
 * makes the image at least {@value #MIN_TILE_WIDTH} px wide. Tiles are separated from each other
 * and from the image edge by 1-pixel dark grey lines ({@link #SEPARATOR_RGB}); unused grid slots
 * are filled with the same grey.
 *
 * <p><b>Heat-map mode</b> (any other number of inputs). The whole matrix as one picture: pixel rows
 * are inputs, pixel columns are units, normalized together ({@code m} = max |w| of the whole
 * matrix). An axis longer than {@value #MAX_HEAT_SIDE} cells is first downsampled by averaging
 * consecutive blocks of {@code f = ceil(n / }{@value #MAX_HEAT_SIDE}{@code )} cells (the last block
 * may be shorter); a block containing a NaN is NaN (black), so NaNs never hide. Then every cell is
 * drawn as an integer {@code k x k} square, {@code k = max(1, }{@value #MAX_HEAT_SIDE}{@code /
 * max(rows', cols'))}, so the image is at most {@value #MAX_HEAT_SIDE} px on either side and every
 * cell is at least one pixel.
 *
 * <p>{@link #size} gives the exact dimensions {@link #png} produces. Rendering uses only {@link
 * BufferedImage} ({@code TYPE_INT_RGB}) and {@link ImageIO}, so it works headless and never touches
 * an AWT toolkit. Thread-safe: no shared state.
 */
public final class WeightImage {

  /** Tile mode: the image is at least this wide (px). */
  public static final int MIN_TILE_WIDTH = 400;

  /** Heat-map mode: neither side of the image exceeds this (px). */
  public static final int MAX_HEAT_SIDE = 1000;

  /** Tile mode: the colour of the 1-pixel separators and unused grid slots (dark grey). */
  public static final int SEPARATOR_RGB = 0x404040;

  private WeightImage() {}

  /**
   * Renders the first-layer weights as a PNG, as described in the class documentation.
   *
   * @param weights the weights, inputs x units (row {@code i}, column {@code j} = weight from input
   *     {@code i} to unit {@code j}); not modified
   * @return the PNG file's bytes; its width and height are {@code size(weights.numRows,
   *     weights.numCols)}
   * @throws IllegalArgumentException if the matrix has no rows or no columns
   * @throws NullPointerException if {@code weights} is null
   */
  public static byte[] png(FMatrixRMaj weights) {
    int inputs = weights.numRows;
    int units = weights.numCols;
    requirePositive(inputs, units);
    int s = squareSide(inputs);
    BufferedImage image = s > 0 ? tiles(weights, s) : heatMap(weights);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen with an in-memory stream
    }
    return out.toByteArray();
  }

  /**
   * The dimensions of the image {@link #png} renders for a matrix of {@code inputs} rows and {@code
   * units} columns.
   *
   * <p>Tile mode ({@code inputs = s * s}): with {@code cols = ceil(sqrt(units))}, {@code rows =
   * ceil(units / cols)} and {@code scale = max(1, ceil((}{@value #MIN_TILE_WIDTH}{@code - cols - 1)
   * / (cols * s)))}, the width is {@code cols * (s * scale + 1) + 1} and the height {@code rows *
   * (s * scale + 1) + 1}. For 784 x 256: 16 x 16 tiles of 28 x 28 at scale 1, i.e. 465 x 465.
   *
   * <p>Heat-map mode: with {@code cols' = ceil(units / ceil(units / }{@value #MAX_HEAT_SIDE}{@code
   * ))}, {@code rows'} likewise from {@code inputs}, and {@code k = max(1, }{@value
   * #MAX_HEAT_SIDE}{@code / max(rows', cols'))}, the width is {@code cols' * k} and the height
   * {@code rows' * k}. For 10 x 5: k = 100, i.e. 500 x 1000.
   *
   * @param inputs the number of rows of the weight matrix (input features), at least 1
   * @param units the number of columns (hidden units), at least 1
   * @return {@code {width, height}} in pixels
   * @throws IllegalArgumentException if either argument is less than 1
   */
  public static int[] size(int inputs, int units) {
    requirePositive(inputs, units);
    int s = squareSide(inputs);
    if (s > 0) {
      TileLayout l = new TileLayout(s, units);
      return new int[] {l.width, l.height};
    }
    HeatLayout l = new HeatLayout(inputs, units);
    return new int[] {l.width, l.height};
  }

  // ---------------------------------------------------------------------------------------------
  // Tile mode.

  /** The grid geometry of tile mode. */
  private static final class TileLayout {
    final int side;
    final int cols;
    final int scale;
    final int pitch; // tile side in px plus its separator
    final int width;
    final int height;

    TileLayout(int side, int units) {
      this.side = side;
      this.cols = ceilSqrt(units);
      int rows = ceilDiv(units, cols);
      long tileSpan = (long) cols * side;
      this.scale = (int) Math.max(1, ceilDiv(Math.max(0, MIN_TILE_WIDTH - cols - 1), tileSpan));
      this.pitch = Math.toIntExact((long) side * scale + 1);
      this.width = Math.toIntExact((long) cols * pitch + 1);
      this.height = Math.toIntExact((long) rows * pitch + 1);
    }
  }

  private static BufferedImage tiles(FMatrixRMaj w, int s) {
    int units = w.numCols;
    TileLayout l = new TileLayout(s, units);
    int[] rgb = new int[Math.multiplyExact(l.width, l.height)];
    Arrays.fill(rgb, SEPARATOR_RGB);
    float[] data = w.data;
    for (int j = 0; j < units; j++) {
      float m = 0f;
      for (int i = 0; i < w.numRows; i++) {
        float v = Math.abs(data[i * units + j]);
        if (v > m && v != Float.POSITIVE_INFINITY) {
          m = v;
        }
      }
      int x0 = 1 + (j % l.cols) * l.pitch;
      int y0 = 1 + (j / l.cols) * l.pitch;
      for (int i = 0; i < w.numRows; i++) {
        int colour = colour(data[i * units + j], m);
        int px = x0 + (i % s) * l.scale;
        int py = y0 + (i / s) * l.scale;
        fillBlock(rgb, l.width, px, py, l.scale, colour);
      }
    }
    return toImage(rgb, l.width, l.height);
  }

  // ---------------------------------------------------------------------------------------------
  // Heat-map mode.

  /** The geometry of heat-map mode. */
  private static final class HeatLayout {
    final int rowBin; // input rows averaged into one cell
    final int colBin; // unit columns averaged into one cell
    final int rows; // cells after binning
    final int cols;
    final int k; // pixels per cell side
    final int width;
    final int height;

    HeatLayout(int inputs, int units) {
      this.rowBin = ceilDiv(inputs, MAX_HEAT_SIDE);
      this.colBin = ceilDiv(units, MAX_HEAT_SIDE);
      this.rows = ceilDiv(inputs, rowBin);
      this.cols = ceilDiv(units, colBin);
      this.k = Math.max(1, MAX_HEAT_SIDE / Math.max(rows, cols));
      this.width = cols * k;
      this.height = rows * k;
    }
  }

  private static BufferedImage heatMap(FMatrixRMaj w) {
    int inputs = w.numRows;
    int units = w.numCols;
    HeatLayout l = new HeatLayout(inputs, units);
    float[] data = w.data;
    float m = 0f;
    for (int n = 0; n < inputs * units; n++) {
      float v = Math.abs(data[n]);
      if (v > m && v != Float.POSITIVE_INFINITY) {
        m = v;
      }
    }
    int[] rgb = new int[Math.multiplyExact(l.width, l.height)];
    for (int r = 0; r < l.rows; r++) {
      int i0 = r * l.rowBin;
      int i1 = Math.min(inputs, i0 + l.rowBin);
      for (int c = 0; c < l.cols; c++) {
        int j0 = c * l.colBin;
        int j1 = Math.min(units, j0 + l.colBin);
        double sum = 0;
        for (int i = i0; i < i1; i++) {
          for (int j = j0; j < j1; j++) {
            sum += data[i * units + j]; // NaN propagates; +Inf + -Inf is NaN too
          }
        }
        float mean = (float) (sum / ((i1 - i0) * (j1 - j0)));
        fillBlock(rgb, l.width, c * l.k, r * l.k, l.k, colour(mean, m));
      }
    }
    return toImage(rgb, l.width, l.height);
  }

  // ---------------------------------------------------------------------------------------------
  // Shared.

  /** The diverging colour of {@code w} at scale {@code m >= 0} (see the class documentation). */
  private static int colour(float w, float m) {
    if (Float.isNaN(w)) {
      return 0x000000;
    }
    float t = m > 0f ? w / m : Math.signum(w); // m == 0: finite weights are all 0, hence white
    t = Math.max(-1f, Math.min(1f, t));
    if (t >= 0f) {
      int fade = Math.round(255f * (1f - t));
      return 0xFF0000 | fade << 8 | fade;
    }
    int fade = Math.round(255f * (1f + t));
    return fade << 16 | fade << 8 | 0x0000FF;
  }

  private static void fillBlock(int[] rgb, int stride, int x, int y, int side, int colour) {
    for (int dy = 0; dy < side; dy++) {
      int row = (y + dy) * stride + x;
      Arrays.fill(rgb, row, row + side, colour);
    }
  }

  private static BufferedImage toImage(int[] rgb, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, width, height, rgb, 0, width);
    return image;
  }

  /** {@code s} if {@code n == s * s} for an integer {@code s >= 1}, else 0. */
  private static int squareSide(int n) {
    int s = (int) Math.round(Math.sqrt(n));
    return (long) s * s == n ? s : 0;
  }

  private static int ceilSqrt(int n) {
    int s = (int) Math.sqrt(n);
    while ((long) s * s < n) {
      s++;
    }
    while (s > 1 && (long) (s - 1) * (s - 1) >= n) {
      s--;
    }
    return s;
  }

  /** {@code ceil(a / b)} for {@code a >= 0, b > 0}, without overflow. */
  private static int ceilDiv(int a, int b) {
    return a == 0 ? 0 : (a - 1) / b + 1;
  }

  private static long ceilDiv(long a, long b) {
    return a == 0 ? 0 : (a - 1) / b + 1;
  }

  private static void requirePositive(int inputs, int units) {
    if (inputs < 1 || units < 1) {
      throw new IllegalArgumentException(
          "weights must be at least 1 x 1, got " + inputs + " x " + units);
    }
  }
}
