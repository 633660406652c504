package io.kafkamlp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** PNG rendering of first-layer weights: sizes, colours, NaN, headless use. */
class WeightImageTest {

  private static final int RED = 0xFF0000;
  private static final int BLUE = 0x0000FF;
  private static final int WHITE = 0xFFFFFF;
  private static final int BLACK = 0x000000;

  @Test
  void shouldDecodeWithDocumentedSizeWhenInputsAreFashionMnistPixels() throws IOException {
    BufferedImage image = decode(WeightImage.png(gaussian(784, 256, 1)));

    assertArrayEquals(new int[] {465, 465}, WeightImage.size(784, 256)); // 16 x 16 tiles of 29 px
    assertEquals(465, image.getWidth());
    assertEquals(465, image.getHeight());
  }

  @Test
  void shouldDrawRedTileWhenUnitWeightsAreAllPositive() throws IOException {
    FMatrixRMaj w = gaussian(784, 256, 2);
    int argMax = 0;
    for (int i = 0; i < 784; i++) {
      w.set(i, 0, Math.abs(w.get(i, 0)) + 0.01f);
      argMax = w.get(i, 0) > w.get(argMax, 0) ? i : argMax;
    }
    BufferedImage image = decode(WeightImage.png(w));

    int first = rgb(image, 1, 1); // unit 0's tile starts after the 1-px border; input 0 there
    assertEquals(255, red(first));
    assertTrue(green(first) < 255 && green(first) == blue(first), hex(first));
    assertEquals(RED, rgb(image, 1 + argMax % 28, 1 + argMax / 28)); // the tile's max: pure red
  }

  @Test
  void shouldDrawBlueTileWhenUnitWeightsAreAllNegative() throws IOException {
    FMatrixRMaj w = gaussian(784, 256, 3);
    int argMin = 0;
    for (int i = 0; i < 784; i++) {
      w.set(i, 1, -Math.abs(w.get(i, 1)) - 0.01f);
      argMin = w.get(i, 1) < w.get(argMin, 1) ? i : argMin;
    }
    BufferedImage image = decode(WeightImage.png(w));

    int x0 = 1 + 29; // unit 1: second tile of the first grid row
    int first = rgb(image, x0, 1);
    assertEquals(255, blue(first));
    assertTrue(red(first) < 255 && red(first) == green(first), hex(first));
    assertEquals(BLUE, rgb(image, x0 + argMin % 28, 1 + argMin / 28));
  }

  @Test
  void shouldDrawDarkSeparatorsWhenTiling() throws IOException {
    BufferedImage image = decode(WeightImage.png(gaussian(784, 256, 4)));

    assertEquals(WeightImage.SEPARATOR_RGB, rgb(image, 0, 0));
    assertEquals(WeightImage.SEPARATOR_RGB, rgb(image, 29, 10)); // between tiles 0 and 1
    assertEquals(WeightImage.SEPARATOR_RGB, rgb(image, 10, 29)); // between grid rows 0 and 1
    assertEquals(WeightImage.SEPARATOR_RGB, rgb(image, 464, 464));
  }

  @Test
  void shouldScaleTilesUpWhenFewUnits() throws IOException {
    FMatrixRMaj w = gaussian(784, 10, 5);
    w.set(28 + 2, 0, 100f); // input (row 1, column 2) of unit 0: the tile's max, pure red
    BufferedImage image = decode(WeightImage.png(w));

    // 4 x 3 grid, scale ceil((400 - 5) / 112) = 4: tiles of 112 px, pitch 113.
    assertArrayEquals(new int[] {453, 340}, WeightImage.size(784, 10));
    assertEquals(453, image.getWidth());
    assertEquals(340, image.getHeight());
    for (int dy = 0; dy < 4; dy++) {
      for (int dx = 0; dx < 4; dx++) {
        assertEquals(RED, rgb(image, 1 + 2 * 4 + dx, 1 + 4 + dy));
      }
    }
    assertEquals(WeightImage.SEPARATOR_RGB, rgb(image, 1 + 2 * 113 + 50, 1 + 2 * 113 + 50));
  }

  @Test
  void shouldDrawBlackWhenTileWeightIsNaN() throws IOException {
    FMatrixRMaj w = gaussian(784, 256, 6);
    w.set(28 * 5 + 7, 2, Float.NaN); // unit 2, row 5, column 7
    BufferedImage image = decode(WeightImage.png(w));

    assertEquals(BLACK, rgb(image, 1 + 2 * 29 + 7, 1 + 5));
    assertTrue(rgb(image, 1 + 2 * 29 + 8, 1 + 5) != BLACK); // its neighbour is not
  }

  @Test
  void shouldDrawHeatMapWithDocumentedSizeWhenInputsAreNotSquare() throws IOException {
    FMatrixRMaj w = new FMatrixRMaj(10, 5); // zeros: white
    w.set(0, 0, 2f); // the global max |w|: pure red
    w.set(9, 4, -2f); // pure blue
    w.set(1, 1, 1f); // half way: (255, 128, 128)
    w.set(3, 2, Float.NaN);
    BufferedImage image = decode(WeightImage.png(w));

    assertArrayEquals(new int[] {500, 1000}, WeightImage.size(10, 5)); // cells of 100 x 100 px
    assertEquals(500, image.getWidth());
    assertEquals(1000, image.getHeight());
    assertEquals(RED, rgb(image, 50, 50));
    assertEquals(RED, rgb(image, 99, 99));
    assertEquals(BLUE, rgb(image, 4 * 100 + 50, 9 * 100 + 50));
    assertEquals(0xFF8080, rgb(image, 150, 150));
    assertEquals(BLACK, rgb(image, 2 * 100 + 50, 3 * 100 + 50));
    assertEquals(WHITE, rgb(image, 2 * 100 + 50, 4 * 100 + 50));
  }

  @Test
  void shouldAverageCellsWhenHeatMapExceedsMaxSide() throws IOException {
    FMatrixRMaj w = new FMatrixRMaj(3000, 7); // 3000 rows binned by 3 -> 1000 cells, k = 1
    w.set(0, 0, 1f);
    w.set(1, 0, 1f);
    w.set(2, 0, -0.5f); // mean 0.5 of max 1: (255, 128, 128)
    w.set(3, 1, 1f);
    w.set(4, 1, Float.NaN); // a NaN blackens its whole block
    w.set(2999, 6, -1f); // mean -1/3 of the last block
    BufferedImage image = decode(WeightImage.png(w));

    assertArrayEquals(new int[] {7, 1000}, WeightImage.size(3000, 7));
    assertEquals(7, image.getWidth());
    assertEquals(1000, image.getHeight());
    assertEquals(0xFF8080, rgb(image, 0, 0));
    assertEquals(BLACK, rgb(image, 1, 1));
    assertEquals(0xAAAAFF, rgb(image, 6, 999));
    assertEquals(WHITE, rgb(image, 3, 500));
  }

  @Test
  void shouldRejectMatrixWhenEmpty() {
    assertThrows(IllegalArgumentException.class, () -> WeightImage.png(new FMatrixRMaj(0, 5)));
    assertThrows(IllegalArgumentException.class, () -> WeightImage.png(new FMatrixRMaj(4, 0)));
    assertThrows(IllegalArgumentException.class, () -> WeightImage.size(0, 1));
  }

  @Test
  void shouldRenderAndDecodeWhenJvmIsHeadless() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe =
        new ProcessBuilder(
                java.toString(),
                "-Djava.awt.headless=true",
                "-cp",
                System.getProperty("java.class.path"),
                HeadlessProbe.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();

    assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "headless probe timed out");
    assertEquals(0, probe.exitValue(), "headless probe failed (exit code)");
  }

  /** Run in a child JVM with {@code -Djava.awt.headless=true}: exits 0 iff rendering works. */
  static final class HeadlessProbe {
    private HeadlessProbe() {}

    public static void main(String[] args) throws IOException {
      boolean ok = java.awt.GraphicsEnvironment.isHeadless();
      BufferedImage tiles = decode(WeightImage.png(gaussian(784, 256, 7)));
      ok &= tiles.getWidth() == 465 && tiles.getHeight() == 465;
      BufferedImage heat = decode(WeightImage.png(gaussian(10, 5, 8)));
      ok &= heat.getWidth() == 500 && heat.getHeight() == 1000;
      System.exit(ok ? 0 : 1);
    }
  }

  private static FMatrixRMaj gaussian(int rows, int cols, long seed) {
    Random random = new Random(seed);
    FMatrixRMaj w = new FMatrixRMaj(rows, cols);
    for (int i = 0; i < w.data.length; i++) {
      w.data[i] = (float) (0.05 * random.nextGaussian());
    }
    return w;
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    if (image == null) {
      throw new IOException("not a readable image");
    }
    return image;
  }

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  private static int red(int rgb) {
    return rgb >> 16 & 0xFF;
  }

  private static int green(int rgb) {
    return rgb >> 8 & 0xFF;
  }

  private static int blue(int rgb) {
    return rgb & 0xFF;
  }

  private static String hex(int rgb) {
    return String.format("#%06X", rgb);
  }
}
