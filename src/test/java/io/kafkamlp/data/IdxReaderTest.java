package io.kafkamlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IDX files written here (plain and gzip), broken ones, and the real Fashion-MNIST if installed.
 */
class IdxReaderTest {

  /** Three 2 x 4 images, with the extremes 0 and 255 and a byte above 127 (unsigned!). */
  private static final int[][] PIXELS = {
    {0, 1, 2, 3, 4, 5, 6, 7},
    {255, 254, 128, 127, 0, 200, 100, 50},
    {9, 8, 7, 6, 5, 4, 3, 2}
  };

  private static final int[] LABELS = {3, 0, 255};

  @TempDir Path dir;

  private static byte[] imagesIdx(int[][] pixels, int rows, int cols) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(IdxReader.IMAGES_MAGIC);
      out.writeInt(pixels.length);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int[] image : pixels) {
        for (int p : image) {
          out.writeByte(p);
        }
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] labelsIdx(int[] labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(IdxReader.LABELS_MAGIC);
      out.writeInt(labels.length);
      for (int y : labels) {
        out.writeByte(y);
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static float[][] asFloats(int[][] pixels) {
    float[][] x = new float[pixels.length][];
    for (int k = 0; k < pixels.length; k++) {
      x[k] = new float[pixels[k].length];
      for (int p = 0; p < pixels[k].length; p++) {
        x[k][p] = pixels[k][p];
      }
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldReadBackImagesAndLabelsWhenPlainOrGzipped(boolean gzipped) throws IOException {
    // Given: the gzip one has no .gz suffix; detection is by content
    byte[] images = imagesIdx(PIXELS, 2, 4);
    byte[] labels = labelsIdx(LABELS);
    Path imageFile = write("images", gzipped ? gzip(images) : images);
    Path labelFile = write("labels", gzipped ? gzip(labels) : labels);

    // When
    float[][] x = IdxReader.readImages(imageFile);
    int[] y = IdxReader.readLabels(labelFile);

    // Then
    assertArrayEquals(asFloats(PIXELS), x);
    assertArrayEquals(LABELS, y);
  }

  @Test
  void shouldReadEmptyFiles() throws IOException {
    assertEquals(0, IdxReader.readImages(write("i", imagesIdx(new int[0][], 28, 28))).length);
    assertEquals(0, IdxReader.readLabels(write("l", labelsIdx(new int[0]))).length);
  }

  @Test
  void shouldReadMoreLabelsThanOneBufferHolds() throws IOException {
    // Given: 200,000 labels, several read chunks and array growths
    int[] labels = new int[200_000];
    Arrays.setAll(labels, k -> k % 251);

    // When / Then
    assertArrayEquals(labels, IdxReader.readLabels(write("l.gz", gzip(labelsIdx(labels)))));
  }

  @Test
  void shouldNameBothMagicsWhenALabelFileIsReadAsImages() throws IOException {
    // Given
    Path labels = write("labels", labelsIdx(LABELS));

    // When
    IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(labels));

    // Then
    assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("magic 0x00000801 (an IDX label file), expected 0x00000803"),
        e.getMessage());
  }

  @Test
  void shouldRejectAFileThatIsNotIdx() throws IOException {
    // Given
    Path text = write("readme.txt", "hello, world\n".getBytes(StandardCharsets.UTF_8));

    // When
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(text));

    // Then
    assertTrue(e.getMessage().contains("not an IDX label file: magic 0x68656C6C"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldSayWhereATruncatedImageFileEnds(boolean gzipped) throws IOException {
    // Given: the plain bytes cut inside image 2 (header 16 bytes, 8 pixels an image)
    byte[] cut = Arrays.copyOf(imagesIdx(PIXELS, 2, 4), 16 + 8 + 5);
    Path file = write("images", gzipped ? gzip(cut) : cut);

    // When
    IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));

    // Then
    assertTrue(
        e.getMessage().contains("truncated IDX file, it ends in image 2 of 3"), e.getMessage());
  }

  @Test
  void shouldRejectAGzipStreamCutShort() throws IOException {
    // Given: the compressed bytes themselves cut
    byte[] gz = gzip(imagesIdx(PIXELS, 2, 4));
    Path file = write("images.gz", Arrays.copyOf(gz, gz.length - 12));

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void shouldRejectAGzipStreamWithoutItsTrailer() throws IOException {
    // Given: every item present, the 8-byte trailer (CRC-32, size) cut to 4 bytes
    byte[] gz = gzip(labelsIdx(LABELS));
    Path file = write("labels.gz", Arrays.copyOf(gz, gz.length - 4));

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(file));
    assertTrue(e.getMessage().contains("it ends in the gzip trailer"), e.getMessage());
  }

  @Test
  void shouldRejectAGzipStreamWithABadChecksum() throws IOException {
    // Given: the CRC-32 in the trailer flipped
    byte[] gz = gzip(labelsIdx(LABELS));
    gz[gz.length - 8] ^= 0x01;
    Path file = write("labels.gz", gz);

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(file));
    assertTrue(e.getMessage().contains("corrupt gzip stream"), e.getMessage());
  }

  @Test
  void shouldSayWhereATruncatedLabelFileEnds() throws IOException {
    // Given: a header announcing 3 labels, 2 present; and a header cut short
    Path file = write("labels", Arrays.copyOf(labelsIdx(LABELS), 8 + 2));
    Path header = write("header", Arrays.copyOf(labelsIdx(LABELS), 6));

    // When
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(file));
    IOException h = assertThrows(IOException.class, () -> IdxReader.readLabels(header));

    // Then
    assertTrue(e.getMessage().contains("it ends within labels 1..3 of 3"), e.getMessage());
    assertTrue(h.getMessage().contains("it ends in the header"), h.getMessage());
  }

  @Test
  void shouldRejectDataAfterTheLastItem() throws IOException {
    // Given
    byte[] plain = labelsIdx(LABELS);
    Path file = write("labels", Arrays.copyOf(plain, plain.length + 1));

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(file));
    assertTrue(e.getMessage().contains("data after the last item"), e.getMessage());
  }

  @Test
  void shouldRejectImpossibleDimensions() throws IOException {
    // Given: 0 rows
    Path file = write("images", imagesIdx(new int[0][], 0, 28));

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
    assertTrue(
        e.getMessage().contains("impossible IDX image dimensions 0 x 0 x 28"), e.getMessage());
  }

  @Test
  void shouldLoadAFolderWithGzippedAndPlainNames() throws IOException {
    // Given: a miniature Fashion-MNIST folder, names with and without .gz
    write("train-images-idx3-ubyte.gz", gzip(imagesIdx(PIXELS, 2, 4)));
    write("train-labels-idx1-ubyte", labelsIdx(LABELS));
    write("t10k-images-idx3-ubyte", imagesIdx(Arrays.copyOf(PIXELS, 2), 2, 4));
    write("t10k-labels-idx1-ubyte.gz", gzip(labelsIdx(new int[] {7, 1})));

    // When
    Dataset data = IdxReader.fashionMnist(dir);

    // Then
    assertArrayEquals(asFloats(PIXELS), data.trainX());
    assertArrayEquals(LABELS, data.trainY());
    assertArrayEquals(asFloats(Arrays.copyOf(PIXELS, 2)), data.testX());
    assertArrayEquals(new int[] {7, 1}, data.testY());
    assertEquals(8, data.features());
    assertEquals(256, data.classes());
  }

  @Test
  void shouldNameBothCandidatesWhenAFileIsMissing() throws IOException {
    // Given: no test labels
    write("train-images-idx3-ubyte", imagesIdx(PIXELS, 2, 4));
    write("train-labels-idx1-ubyte", labelsIdx(LABELS));
    write("t10k-images-idx3-ubyte", imagesIdx(PIXELS, 2, 4));

    // When
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> IdxReader.fashionMnist(dir));

    // Then
    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
    assertTrue(
        e.getMessage().contains(dir.resolve("t10k-labels-idx1-ubyte").toString()), e.getMessage());
  }

  @Test
  void shouldRejectAFolderWhoseImagesAndLabelsDisagreeInNumber() throws IOException {
    // Given: 3 training images, 2 labels
    write("train-images-idx3-ubyte", imagesIdx(PIXELS, 2, 4));
    write("train-labels-idx1-ubyte", labelsIdx(new int[] {1, 2}));
    write("t10k-images-idx3-ubyte", imagesIdx(PIXELS, 2, 4));
    write("t10k-labels-idx1-ubyte", labelsIdx(LABELS));

    // When / Then
    IOException e = assertThrows(IOException.class, () -> IdxReader.fashionMnist(dir));
    assertTrue(e.getMessage().contains("3 training images but 2 labels"), e.getMessage());
  }

  /** Needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist). */
  @Test
  void shouldLoadTheInstalledFashionMnist() throws IOException {
    Assumptions.assumeTrue(
        Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST),
        "dataset-fashion-mnist is not installed");

    // When
    Dataset data = IdxReader.fashionMnist(IdxReader.DEFAULT_FASHION_MNIST);

    // Then: 60,000 + 10,000 images of 28 x 28, ten balanced classes
    assertEquals(60_000, data.trainX().length);
    assertEquals(10_000, data.testX().length);
    assertEquals(784, data.features());
    assertEquals(10, data.classes());
    assertArrayEquals(histogram(6_000), count(data.trainY()));
    assertArrayEquals(histogram(1_000), count(data.testY()));
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float[] image : data.trainX()) {
      assertEquals(784, image.length);
      for (float p : image) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
    }
    assertEquals(0f, min);
    assertEquals(255f, max);
  }

  private static int[] histogram(int each) {
    int[] h = new int[10];
    Arrays.fill(h, each);
    return h;
  }

  private static int[] count(int[] labels) {
    int[] h = new int[10];
    for (int y : labels) {
      assertTrue(y >= 0 && y <= 9, "label " + y);
      h[y]++;
    }
    return h;
  }
}
