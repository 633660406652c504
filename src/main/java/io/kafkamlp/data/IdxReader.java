package io.kafkamlp.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al., "THE MNIST DATABASE of
 * handwritten digits"), plain or gzip-compressed.
 *
 * <p>The format, big-endian:
 *
 * <pre>
 * images: int magic 0x00000803 (unsigned bytes, 3 dimensions), int n, int rows, int cols,
 *         n * rows * cols unsigned bytes, row-major, image after image
 * labels: int magic 0x00000801 (unsigned bytes, 1 dimension), int n, n unsigned bytes
 * </pre>
 *
 * <p>Compression is detected from the content, not the name: a file that starts with the gzip magic
 * bytes {@code 1f 8b} is decompressed. Pixels come back as raw floats in 0..255 (one image a row of
 * {@code rows * cols} features); scaling is the {@link io.kafkamlp.normalize} standardizer's job.
 * Every error (wrong magic, impossible dimensions, a file that ends early or goes on after its last
 * item, a corrupt gzip stream) is an {@link IOException} naming the file.
 */
public final class IdxReader {

  /** Magic number of an IDX file of unsigned bytes in 3 dimensions: images. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an IDX file of unsigned bytes in 1 dimension: labels. */
  public static final int LABELS_MAGIC = 0x00000801;

  /**
   * Where Debian's package {@code dataset-fashion-mnist} installs Fashion-MNIST ({@code
   * train-images-idx3-ubyte.gz} and the three other files).
   */
  public static final Path DEFAULT_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** Outer arrays grow from at most this many rows, so a corrupt count allocates little. */
  private static final int INITIAL_ROWS = 1 << 16;

  private static final int BUFFER_BYTES = 1 << 16;

  private IdxReader() {}

  /**
   * Reads an IDX image file: one row of {@code rows * cols} pixel values (0..255) per image.
   *
   * @throws IOException when the file cannot be read or is not a complete IDX image file
   */
  public static float[][] readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int[] header = readHeader(in, IMAGES_MAGIC, 3, file);
      int n = header[0];
      int rows = header[1];
      int cols = header[2];
      if (n < 0 || rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE) {
        throw new IOException(
            file + ": impossible IDX image dimensions " + n + " x " + rows + " x " + cols);
      }
      int pixels = rows * cols;
      List<float[]> images = new ArrayList<>(Math.min(n, INITIAL_ROWS));
      byte[] buffer = new byte[pixels];
      for (int k = 0; k < n; k++) {
        try {
          in.readFully(buffer);
        } catch (EOFException e) {
          throw truncated(file, "in image " + (k + 1) + " of " + n, e);
        }
        float[] image = new float[pixels];
        for (int p = 0; p < pixels; p++) {
          image[p] = buffer[p] & 0xFF;
        }
        images.add(image);
      }
      checkEnd(in, file);
      return images.toArray(new float[0][]);
    } catch (ZipException e) {
      throw corrupt(file, e);
    }
  }

  /**
   * Reads an IDX label file: one value (0..255) per item.
   *
   * @throws IOException when the file cannot be read or is not a complete IDX label file
   */
  public static int[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int n = readHeader(in, LABELS_MAGIC, 1, file)[0];
      if (n < 0) {
        throw new IOException(file + ": impossible IDX label count " + n);
      }
      int[] labels = new int[Math.min(n, INITIAL_ROWS)];
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int done = 0; done < n; ) {
        int chunk = Math.min(buffer.length, n - done);
        try {
          in.readFully(buffer, 0, chunk);
        } catch (EOFException e) {
          throw truncated(
              file, "within labels " + (done + 1) + ".." + (done + chunk) + " of " + n, e);
        }
        if (done + chunk > labels.length) {
          labels = Arrays.copyOf(labels, Math.min(n, Math.max(done + chunk, 2 * labels.length)));
        }
        for (int i = 0; i < chunk; i++) {
          labels[done + i] = buffer[i] & 0xFF;
        }
        done += chunk;
      }
      checkEnd(in, file);
      return labels;
    } catch (ZipException e) {
      throw corrupt(file, e);
    }
  }

  /**
   * Loads Fashion-MNIST (or MNIST: same file names) from a folder holding {@code
   * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
   * {@code t10k-labels-idx1-ubyte}, each either with the suffix {@code .gz} or without (the {@code
   * .gz} name wins when both exist).
   *
   * @param dir the folder, such as {@link #DEFAULT_FASHION_MNIST}
   * @throws NoSuchFileException when a file is missing under both names
   * @throws IOException when a file cannot be read, is not IDX, or images and labels disagree in
   *     number or the two image files in size
   */
  public static Dataset fashionMnist(Path dir) throws IOException {
    float[][] trainX = readImages(find(dir, TRAIN_IMAGES));
    int[] trainY = readLabels(find(dir, TRAIN_LABELS));
    float[][] testX = readImages(find(dir, TEST_IMAGES));
    int[] testY = readLabels(find(dir, TEST_LABELS));
    if (trainX.length != trainY.length || testX.length != testY.length) {
      throw new IOException(
          dir
              + ": "
              + trainX.length
              + " training images but "
              + trainY.length
              + " labels, or "
              + testX.length
              + " test images but "
              + testY.length
              + " labels");
    }
    if (trainX.length > 0 && testX.length > 0 && trainX[0].length != testX[0].length) {
      throw new IOException(
          dir
              + ": training images have "
              + trainX[0].length
              + " pixels, test images "
              + testX[0].length);
    }
    return new Dataset(trainX, trainY, testX, testY);
  }

  private static Path find(Path dir, String name) throws NoSuchFileException {
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new NoSuchFileException(gz.toString(), plain.toString(), "neither file exists");
  }

  /**
   * The file's content, through a gzip decoder when it starts with the gzip magic {@code 1f 8b}.
   */
  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
    try {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        return new DataInputStream(
            new BufferedInputStream(new GZIPInputStream(raw, BUFFER_BYTES), BUFFER_BYTES));
      }
      return new DataInputStream(raw);
    } catch (IOException e) {
      raw.close();
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The dimensions after a checked magic number. */
  private static int[] readHeader(DataInputStream in, int magic, int dimensions, Path file)
      throws IOException {
    try {
      checkMagic(in.readInt(), magic, file);
      int[] sizes = new int[dimensions];
      for (int i = 0; i < dimensions; i++) {
        sizes[i] = in.readInt();
      }
      return sizes;
    } catch (EOFException e) {
      throw truncated(file, "in the header", e);
    }
  }

  private static void checkMagic(int magic, int expected, Path file) throws IOException {
    if (magic != expected) {
      String kind = expected == IMAGES_MAGIC ? "image" : "label";
      String found =
          magic == IMAGES_MAGIC
              ? " (an IDX image file)"
              : magic == LABELS_MAGIC ? " (an IDX label file)" : "";
      throw new IOException(
          String.format(
              "%s: not an IDX %s file: magic 0x%08X%s, expected 0x%08X",
              file, kind, magic, found, expected));
    }
  }

  /** Checks that nothing follows the last item (and, for gzip, that the trailer is complete). */
  private static void checkEnd(DataInputStream in, Path file) throws IOException {
    int next;
    try {
      next = in.read();
    } catch (EOFException e) {
      throw truncated(file, "in the gzip trailer, after the last item", e);
    }
    if (next != -1) {
      throw new IOException(file + ": data after the last item (corrupt or not IDX)");
    }
  }

  private static IOException corrupt(Path file, ZipException cause) {
    return new IOException(file + ": corrupt gzip stream: " + cause.getMessage(), cause);
  }

  private static IOException truncated(Path file, String where, EOFException cause) {
    return new IOException(file + ": truncated IDX file, it ends " + where, cause);
  }
}
