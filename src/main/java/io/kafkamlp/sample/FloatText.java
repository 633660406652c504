package io.kafkamlp.sample;

/**
 * {@link Float#toString(float)}'s text for the floats it writes as an integer and {@code .0}
 * (integral values of magnitude below 10^7, {@code -0.0} aside: {@code 0.0}, {@code 37.0}, {@code
 * -255.0}), written without its general formatter. Raw pixels, counts and ids are such values, and
 * {@code Float.toString} took about 34 ns for each (a Fashion-MNIST record of 784 raw pixels: 26.8
 * us in JMH {@code SampleCodecBenchmark.toJson}, 2026-12-01). Magnitudes below 1,000 are copied
 * from a table, always five characters, of which the text's length counts: digit by digit, the
 * branches on how many digits a pixel has took 13 ns a value on a random image.
 */
final class FloatText {

  /** The longest text written: {@code -9999999.0}. */
  static final int MAX_CHARS = 10;

  /** From here on {@code Float.toString} writes computerized scientific notation. */
  private static final float NOTATION_LIMIT = 1e7f;

  private static final int NEGATIVE_ZERO_BITS = 0x80000000;

  /** Magnitudes in the table: 0 to 999. */
  private static final int SMALL = 1000;

  /** Characters a table entry has room for: {@code 999.0}. */
  private static final int SMALL_WIDTH = 5;

  private static final char[] SMALL_TEXT = new char[SMALL * SMALL_WIDTH];
  private static final byte[] SMALL_LENGTH = new byte[SMALL];

  static {
    for (int n = 0; n < SMALL; n++) {
      String text = n + ".0";
      text.getChars(0, text.length(), SMALL_TEXT, n * SMALL_WIDTH);
      SMALL_LENGTH[n] = (byte) text.length();
    }
  }

  private FloatText() {}

  /**
   * Writes {@code Float.toString(value)} to {@code text} from index {@code from} when {@code value}
   * is such a float, and returns its length; returns -1 for any other float (NaN included). May
   * write past the text, up to {@link #MAX_CHARS} from {@code from}.
   *
   * @param text room for {@link #MAX_CHARS} from {@code from}
   */
  static int integral(float value, char[] text, int from) {
    if (!(Math.abs(value) < NOTATION_LIMIT)) {
      return -1;
    }
    int n = (int) value;
    if (n != value || Float.floatToRawIntBits(value) == NEGATIVE_ZERO_BITS) {
      return -1; // a fraction, or -0.0 (whose text has its sign)
    }
    int at = from;
    if (n < 0) {
      text[at++] = '-';
      n = -n;
    }
    if (n < SMALL) {
      int entry = n * SMALL_WIDTH;
      text[at] = SMALL_TEXT[entry];
      text[at + 1] = SMALL_TEXT[entry + 1];
      text[at + 2] = SMALL_TEXT[entry + 2];
      text[at + 3] = SMALL_TEXT[entry + 3];
      text[at + 4] = SMALL_TEXT[entry + 4];
      return at - from + SMALL_LENGTH[n];
    }
    int end = at + digits(n);
    text[end] = '.';
    text[end + 1] = '0';
    for (int i = end - 1; i >= at; i--) {
      text[i] = (char) ('0' + n % 10);
      n /= 10;
    }
    return end + 2 - from;
  }

  /** Decimal digits of {@code n}, 1,000 <= n < 10^7. */
  private static int digits(int n) {
    return n < 10_000 ? 4 : n < 100_000 ? 5 : n < 1_000_000 ? 6 : 7;
  }
}
