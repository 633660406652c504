package io.kafkamlp.sample;

import com.fasterxml.jackson.core.io.NumberInput;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The common shape of {@link SampleCodec}'s JSON read straight from the bytes, in one pass and
 * without a tokenizer: what a stream of well-formed samples costs on the stream thread.
 *
 * <p>Contract: {@link #read} returns either the very sample {@link SampleCodec}'s full (Jackson)
 * reader gives for the record, bit for bit, or {@code null}, after which the caller reads the
 * record with the full reader; that reader alone refuses records and words the reasons. So this
 * class only has to recognise what is surely well formed: it gives up ({@code null}) at the first
 * byte it does not expect (an escape or a non-ASCII byte in a string, an unknown or repeated field,
 * a value of the wrong type, a count over the limit, a number JSON forbids or that is not finite,
 * anything after the object), never at a cost to correctness.
 *
 * <p>Numbers: an integer token is converted as Jackson converts an {@code int} or {@code long}
 * ({@code (float) value}, so {@code -0} is {@code +0.0}); a token with a fraction or an exponent is
 * rounded once to the nearest float. The common case (a decimal significand of at most 2^53, a
 * power of ten within 10^±22) is one double multiplication, within about two double ulps of the
 * true value, then rounded to float: the nearest float unless the double lies within a few ulps of
 * a float's halfway point. That case, and every other number, goes to the parser Jackson itself
 * uses ({@link NumberInput#parseFloat(String, boolean)}). The digits are read eight at a time
 * ({@link #leadingDigits}, {@link #digitsValue}). In an array, a number of at most seven bytes (a
 * pixel's {@code 255.0}, a standardized {@code -1.25}) is measured and read from the one word that
 * holds it ({@link #shortNumber}), a longer decimal a word of digits at a time ({@link
 * #longerNumber}); what neither vouches for goes through {@link #number}.
 */
final class JsonFastPath {

  /** JSON numbers longer than this are left to the full reader (Jackson limits them to 1,000). */
  private static final int MAX_NUMBER_CHARS = 100;

  /**
   * Bytes a record must hold from a number's start for {@link #shortNumber} and {@link
   * #longerNumber} to read it: a sign, seven integer digits, a point, 15 fraction digits and the
   * byte after them, in whole words.
   */
  private static final int SHORT_NUMBER_SLACK = 1 + 3 * Long.BYTES + 1;

  /** The most digits {@link #longerNumber} reads into one significand: below 10^15 < 2^53. */
  private static final int MAX_SHORT_SIGNIFICAND_DIGITS = 15;

  /** Decimal digits that surely fit a {@code long}. */
  private static final int MAX_LONG_DIGITS = 18;

  private static final long MAX_EXACT_DOUBLE_SIGNIFICAND = 1L << 53;
  private static final int MAX_EXACT_POWER_OF_TEN = 22;
  private static final double[] POWERS_OF_TEN = new double[MAX_EXACT_POWER_OF_TEN + 1];

  /** The doubles nearest 10^-e, {@code 1 / 10^e} rounded once. */
  private static final double[] NEGATIVE_POWERS_OF_TEN = new double[MAX_EXACT_POWER_OF_TEN + 1];

  private static final long[] LONG_POWERS_OF_TEN = new long[2 * Long.BYTES];

  /** Eight bytes of the record at once, as a little-endian long (the first byte lowest). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The top bit of every byte of a word. */
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The bits of a double below a float's significand: 52 - 23. */
  private static final long BELOW_FLOAT_SIGNIFICAND = (1L << 29) - 1;

  /** Those bits when the double lies exactly halfway between two normal floats. */
  private static final long HALFWAY = 1L << 28;

  /** Double ulps around a float's halfway point within which the double arithmetic defers. */
  private static final long GUARD = 8;

  private static final byte[] FEATURES = ascii("features");
  private static final byte[] LABEL = ascii("label");
  private static final byte[] LABELS = ascii("labels");
  private static final byte[] TARGET = ascii("target");
  private static final byte[] TARGETS = ascii("targets");
  private static final byte[] MODEL = ascii("model");

  static {
    double p = 1;
    for (int e = 0; e <= MAX_EXACT_POWER_OF_TEN; e++) {
      POWERS_OF_TEN[e] = p;
      NEGATIVE_POWERS_OF_TEN[e] = 1 / p;
      p *= 10;
    }
    long q = 1;
    for (int e = 0; e < LONG_POWERS_OF_TEN.length; e++) {
      LONG_POWERS_OF_TEN[e] = q;
      q *= 10;
    }
  }

  /** Thrown to give up; carries no stack trace, and never leaves this class. */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private final byte[] in;
  private final int maxCount;
  private int at;

  /**
   * The number being read: its digits' value while there are at most {@link #MAX_LONG_DIGITS}, and
   * how many digits it has (leading zeros of a fraction included).
   */
  private long significand;

  private int digits;

  private JsonFastPath(byte[] in, int start, int maxCount) {
    this.in = in;
    this.at = start;
    this.maxCount = maxCount;
  }

  /**
   * The sample the full reader would give for {@code value}, or {@code null} if this reader does
   * not vouch for it (see the class comment).
   *
   * @param value the whole record
   * @param start the offset of its opening {@code '{'}
   * @param maxCount the most features, labels or targets a record may hold
   */
  static Sample read(byte[] value, int start, int maxCount) {
    try {
      return new JsonFastPath(value, start, maxCount).object();
    } catch (GiveUp e) {
      return null;
    }
  }

  private Sample object() {
    expect('{');
    String model = Sample.DEFAULT_MODEL;
    boolean modelSeen = false;
    float[] features = null;
    TargetKind kind = TargetKind.NONE;
    float[] targets = SampleCodec.NO_VALUES;
    boolean targetSeen = false;
    skipWhitespace();
    if (peek() != '}') {
      do {
        skipWhitespace();
        int nameStart = stringStart();
        int nameEnd = stringEnd(nameStart);
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (is(nameStart, nameEnd, FEATURES) && features == null) {
          features = numbers();
        } else if (is(nameStart, nameEnd, MODEL) && !modelSeen) {
          modelSeen = true;
          model = model();
        } else if (targetSeen) {
          throw GIVE_UP;
        } else if (is(nameStart, nameEnd, LABEL)) {
          kind = TargetKind.LABEL;
          targets = new float[] {label()};
        } else if (is(nameStart, nameEnd, LABELS)) {
          kind = TargetKind.LABELS;
          targets = labels();
        } else if (is(nameStart, nameEnd, TARGET)) {
          kind = TargetKind.TARGETS;
          targets = new float[] {number()};
        } else if (is(nameStart, nameEnd, TARGETS)) {
          kind = TargetKind.TARGETS;
          targets = numbers();
        } else {
          throw GIVE_UP;
        }
        targetSeen |= kind != TargetKind.NONE;
        skipWhitespace();
      } while (tryConsume(','));
    }
    expect('}');
    skipWhitespace();
    if (at != in.length || features == null) {
      throw GIVE_UP;
    }
    return new Sample(model, features, kind, targets);
  }

  /** A non-empty ASCII string without escapes, of at most the binary format's length. */
  private String model() {
    int start = stringStart();
    int end = stringEnd(start);
    if (end == start || end - start > SampleCodec.MAX_MODEL_NAME_BYTES) {
      throw GIVE_UP;
    }
    return new String(in, start, end - start, StandardCharsets.US_ASCII);
  }

  /** Opens a string: the offset of its first byte. */
  private int stringStart() {
    expect('"');
    return at;
  }

  /** Closes a string of ASCII without control characters or escapes: its closing quote's offset. */
  private int stringEnd(int start) {
    while (true) {
      int c = next();
      if (c == '"') {
        return at - 1;
      }
      if (c < 0x20 || c == '\\' || c >= 0x80) {
        throw GIVE_UP;
      }
    }
  }

  /** An array of at most {@code maxCount} finite numbers. */
  private float[] numbers() {
    expect('[');
    skipWhitespace();
    if (tryConsume(']')) {
      return SampleCodec.NO_VALUES;
    }
    float[] buffer = SampleCodec.scratch();
    int n = 0;
    while (true) {
      if (n == maxCount) {
        throw GIVE_UP;
      }
      if (n == buffer.length) {
        buffer = SampleCodec.growScratch(buffer, maxCount);
      }
      float value = shortNumber();
      if (value != value) { // NaN: not a short number
        value = longerNumber();
        if (value != value) {
          skipWhitespace();
          value = number();
        }
      }
      buffer[n++] = value;
      int c = at < in.length ? in[at] : -1;
      if (c == ',') {
        at++;
      } else if (c == ']') {
        at++;
        break;
      } else {
        skipWhitespace();
        if (!tryConsume(',')) {
          expect(']');
          break;
        }
      }
    }
    return Arrays.copyOf(buffer, n);
  }

  /**
   * The common number of a features array, from the one word that holds it whole: an optional
   * minus, integer digits without a leading zero, optionally a point and fraction digits, all in at
   * most seven bytes, then a byte that continues no number ({@code ,} or {@code ]} as a rule). The
   * token's length comes from classifying the eight bytes at once, so the next number's start is
   * known a few operations after this one's load: the numbers of an array are read almost
   * independently of each other rather than one byte after another. A longer token goes to {@link
   * #longerNumber}.
   *
   * @return the value as {@link #number} reads it, {@link #at} left after the token; or NaN (which
   *     no finite number reads as), {@link #at} left alone, for anything else
   */
  private float shortNumber() {
    int p = at;
    if (p + SHORT_NUMBER_SLACK > in.length) {
      return Float.NaN;
    }
    long word = (long) LONGS.get(in, p);
    long ascii = ~word & HIGH_BITS;
    long low = word & ~HIGH_BITS;
    // exact per byte, no carry crossing bytes: 0x30 <= b < 0x3A, and b == '.'
    long digit = (low + 0x5050505050505050L) & ~(low + 0x4646464646464646L) & ascii;
    long notPoint = low ^ 0x2E2E2E2E2E2E2E2EL;
    long point = ~((notPoint + ~HIGH_BITS) | notPoint) & ascii;
    int sign = (word & 0xFF) == '-' ? 1 : 0;
    long terminators = ~(digit | point | sign << 7) & HIGH_BITS;
    if (terminators == 0) {
      return Float.NaN; // eight bytes or more: longerNumber's
    }
    int length = Long.numberOfTrailingZeros(terminators) >>> 3;
    float value = shortToken(word, sign, length, point & ((1L << (Byte.SIZE * length)) - 1));
    if (value == value) {
      at = p + length;
    }
    return value;
  }

  /**
   * The value of the token {@link #shortNumber} found, NaN when it is not one it vouches for.
   *
   * @param word the eight bytes from the token's start
   * @param sign 1 after a minus, else 0
   * @param length the token's length in bytes, 0 to 7, a byte that is no digit nor point after it
   * @param points the top bits of the token's bytes that are points
   */
  private static float shortToken(long word, int sign, int length, long points) {
    int terminator = (int) (word >>> (Byte.SIZE * length)) & 0xFF;
    int pointAt = points == 0 ? length : Long.numberOfTrailingZeros(points) >>> 3;
    int integerDigits = pointAt - sign;
    // one branch, taken only for what it does not read: | not ||, as the digit counts of a
    // features array vary from one number to the next unpredictably
    if (integerDigits <= 0
        | (integerDigits > 1 & ((word >>> (Byte.SIZE * sign)) & 0xFF) == '0')
        | (points & (points - 1)) != 0
        | pointAt == length - 1
        | terminator == 'e'
        | terminator == 'E') {
      return Float.NaN;
    }
    long integer = digitsValue(word >>> (Byte.SIZE * sign), integerDigits);
    if (points == 0) {
      return sign != 0 ? -integer : integer;
    }
    int fractionDigits = length - pointAt - 1;
    long digitValue =
        integer * LONG_POWERS_OF_TEN[fractionDigits]
            + digitsValue(word >>> (Byte.SIZE * (pointAt + 1)), fractionDigits);
    return shortDecimal(sign != 0, digitValue, fractionDigits);
  }

  /**
   * The decimal of eight bytes or more that {@link #shortNumber} leaves: an optional minus, up to
   * seven integer digits without a leading zero, a point and up to 15 fraction digits (as a float's
   * shortest decimal in [0, 1) often has), at most 15 digits that count in all, read a word at a
   * time, and neither a point nor an exponent after it; an integer this long is {@link #number}'s.
   *
   * @return the value as {@link #number} reads it, {@link #at} left after the token; or NaN, {@link
   *     #at} left alone, for anything else
   */
  private float longerNumber() {
    int p = at;
    if (p + SHORT_NUMBER_SLACK > in.length) {
      return Float.NaN;
    }
    boolean negative = in[p] == '-';
    if (negative) {
      p++;
    }
    long word = (long) LONGS.get(in, p);
    int integerDigits = leadingDigits(word);
    if (integerDigits == 0
        || integerDigits == Long.BYTES
        || (integerDigits > 1 && (word & 0xFF) == '0')
        || ((word >>> (Byte.SIZE * integerDigits)) & 0xFF) != '.') {
      return Float.NaN; // an integer this long is number()'s
    }
    long integer = digitsValue(word, integerDigits);
    p += integerDigits + 1;
    long fractionWord = (long) LONGS.get(in, p);
    int fractionDigits = leadingDigits(fractionWord);
    if (fractionDigits == 0) {
      return Float.NaN;
    }
    long fraction = digitsValue(fractionWord, fractionDigits);
    if (fractionDigits == Long.BYTES) {
      long moreWord = (long) LONGS.get(in, p + Long.BYTES);
      int more = leadingDigits(moreWord);
      if (more == Long.BYTES) {
        return Float.NaN;
      }
      fraction =
          fraction * LONG_POWERS_OF_TEN[more] + (more == 0 ? 0 : digitsValue(moreWord, more));
      fractionDigits += more;
    }
    p += fractionDigits;
    int after = in[p];
    if ((integer != 0 && integerDigits + fractionDigits > MAX_SHORT_SIGNIFICAND_DIGITS)
        || after == '.'
        || after == 'e'
        || after == 'E') {
      return Float.NaN;
    }
    float value =
        shortDecimal(
            negative, integer * LONG_POWERS_OF_TEN[fractionDigits] + fraction, fractionDigits);
    if (value == value) {
      at = p;
    }
    return value;
  }

  /**
   * The nearest float to {@code ±digitValue / 10^fractionDigits} for a value below 10^15 (exact in
   * a double) and at most 15 fraction digits, as {@link #decimal} computes it; NaN where {@link
   * #decimal} would read the token again. Its value is 0 or at least 10^-15, so never below {@link
   * Float#MIN_NORMAL}, the other case {@link #decimal} defers.
   */
  private static float shortDecimal(boolean negative, long digitValue, int fractionDigits) {
    double d = digitValue * NEGATIVE_POWERS_OF_TEN[fractionDigits];
    return nearFloatHalfway(d) ? Float.NaN : (float) (negative ? -d : d);
  }

  /**
   * Whether {@code d}, a double within about two of its ulps of a decimal's true value, lies within
   * {@link #GUARD} ulps of a float's halfway point (the point the two could straddle; it is a
   * double, in d's binade, with the bits {@link #HALFWAY} below the float's): only then can
   * rounding {@code d} to float give other than the nearest float to the true value.
   */
  private static boolean nearFloatHalfway(double d) {
    long belowFloat = Double.doubleToRawLongBits(d) & BELOW_FLOAT_SIGNIFICAND;
    return Math.abs(belowFloat - HALFWAY) <= GUARD;
  }

  /** An array of at most {@code maxCount} labels. */
  private float[] labels() {
    expect('[');
    skipWhitespace();
    if (tryConsume(']')) {
      return SampleCodec.NO_VALUES;
    }
    float[] labels = new float[4];
    int n = 0;
    do {
      skipWhitespace();
      if (n == maxCount) {
        throw GIVE_UP;
      }
      if (n == labels.length) {
        labels = SampleCodec.doubled(labels, maxCount);
      }
      labels[n++] = label();
      skipWhitespace();
    } while (tryConsume(','));
    expect(']');
    return n == labels.length ? labels : Arrays.copyOf(labels, n);
  }

  /** An integer token of magnitude at most {@link Sample#MAX_EXACT_LABEL}. */
  private float label() {
    boolean negative = tryConsume('-');
    int first = next();
    long value = first - '0';
    if (value < 0 || value > 9) {
      throw GIVE_UP;
    }
    while (at < in.length && isDigit(in[at])) {
      if (value == 0 || value > Sample.MAX_EXACT_LABEL) {
        throw GIVE_UP; // a leading zero, or surely too large
      }
      value = 10 * value + (in[at++] - '0');
    }
    if (value > Sample.MAX_EXACT_LABEL || (at < in.length && isNumberContinuation(in[at]))) {
      throw GIVE_UP;
    }
    return negative ? -value : value;
  }

  /** A JSON number as the full reader converts it (see the class comment); finite. */
  private float number() {
    int start = at;
    boolean negative = tryConsume('-');
    significand = 0;
    digits = 0;
    int c = next();
    if (c == '0') {
      if (at < in.length && isDigit(in[at])) {
        throw GIVE_UP; // JSON forbids leading zeros
      }
    } else if (c >= '1' && c <= '9') {
      significand = c - '0';
      digits = 1;
      digitRun();
    } else {
      throw GIVE_UP;
    }
    boolean integer = true;
    int exponent = 0;
    if (tryConsume('.')) {
      integer = false;
      int fractionDigits = digitRun();
      if (fractionDigits == 0) {
        throw GIVE_UP;
      }
      exponent = -fractionDigits;
    }
    if (at < in.length && (in[at] == 'e' || in[at] == 'E')) {
      integer = false;
      at++;
      exponent += exponent();
    }
    if (at - start > MAX_NUMBER_CHARS) {
      throw GIVE_UP;
    }
    float value;
    if (integer) {
      if (digits > MAX_LONG_DIGITS) {
        throw GIVE_UP; // Jackson's BigInteger path
      }
      value = negative ? -significand : significand;
    } else {
      value = decimal(negative, exponent, start);
    }
    if (!Float.isFinite(value)) {
      throw GIVE_UP;
    }
    return value;
  }

  /**
   * Reads the digits at {@link #at}, eight at a time, into {@link #significand} and {@link #digits}
   * (which counts on past {@link #MAX_LONG_DIGITS}, where the significand stops growing) and
   * returns how many there were.
   */
  private int digitRun() {
    int start = at;
    int n;
    do {
      if (at + Long.BYTES > in.length) {
        while (at < in.length && isDigit(in[at])) {
          append(in[at++] - '0', 1);
        }
        break;
      }
      long word = (long) LONGS.get(in, at);
      n = leadingDigits(word);
      if (n > 0) {
        append(digitsValue(word, n), n);
        at += n;
      }
    } while (n == Long.BYTES);
    return at - start;
  }

  /** Appends {@code n} digits of value {@code value} to the significand while it has room. */
  private void append(long value, int n) {
    if (digits + n <= MAX_LONG_DIGITS) {
      significand = significand * LONG_POWERS_OF_TEN[n] + value;
    }
    digits += n;
  }

  /** An exponent's optional sign and digits, clamped far beyond any float's range. */
  private int exponent() {
    boolean negative = false;
    if (!tryConsume('+')) {
      negative = tryConsume('-');
    }
    int start = at;
    int value = 0;
    while (at < in.length && isDigit(in[at])) {
      value = Math.min(10 * value + (in[at++] - '0'), 100_000);
    }
    if (at == start) {
      throw GIVE_UP;
    }
    return negative ? -value : value;
  }

  /**
   * How many of the eight bytes of {@code word} (the first in its lowest byte) are ASCII digits
   * before the first that is not: a byte's top bit is set below by {@code b - '0'} borrowing (b <
   * '0') or by {@code b + 0x46} reaching 0x80 (b > '9'); the carries and borrows only run upwards,
   * past the first non-digit, which is all that is counted.
   */
  static int leadingDigits(long word) {
    long notDigit =
        ((word - 0x3030303030303030L) | (word + 0x4646464646464646L)) & 0x8080808080808080L;
    return Long.numberOfTrailingZeros(notDigit) >>> 3;
  }

  /**
   * The value of the first {@code n} (1 to 8) bytes of {@code word}, ASCII digits with the most
   * significant in the lowest byte: the digits moved to the top as if led by zeros, then combined
   * pairwise, 2 -> 4 -> 8 digits, in three multiplications.
   */
  static long digitsValue(long word, int n) {
    long v = (word - 0x3030303030303030L) << (Long.SIZE - Byte.SIZE * n);
    v = v * 10 + (v >>> 8);
    return ((v & 0x000000FF000000FFL) * (100 + (1000000L << 32))
            + ((v >>> 16) & 0x000000FF000000FFL) * (1 + (10000L << 32)))
        >>> 32;
  }

  /**
   * The nearest float to {@code ±significand * 10^exponent}, read again from the token (at {@code
   * start}) when the double arithmetic below cannot vouch for it.
   */
  private float decimal(boolean negative, int exponent, int start) {
    if (digits <= MAX_LONG_DIGITS
        && significand <= MAX_EXACT_DOUBLE_SIGNIFICAND
        && Math.abs(exponent) <= MAX_EXACT_POWER_OF_TEN) {
      // The significand is exact, 10^exponent exact and 10^-exponent rounded once, so d is within
      // about two of its ulps of the true value
      double d =
          significand * (exponent < 0 ? NEGATIVE_POWERS_OF_TEN : POWERS_OF_TEN)[Math.abs(exponent)];
      if (!nearFloatHalfway(d) && (d == 0 || d >= Float.MIN_NORMAL)) {
        return (float) (negative ? -d : d);
      }
    }
    return NumberInput.parseFloat(
        new String(in, start, at - start, StandardCharsets.US_ASCII), true);
  }

  private void skipWhitespace() {
    while (at < in.length && SampleCodec.isWhitespace(in[at])) {
      at++;
    }
  }

  private int peek() {
    if (at == in.length) {
      throw GIVE_UP;
    }
    return in[at];
  }

  private int next() {
    if (at == in.length) {
      throw GIVE_UP;
    }
    return in[at++] & 0xFF;
  }

  private void expect(char c) {
    if (next() != c) {
      throw GIVE_UP;
    }
  }

  private boolean tryConsume(char c) {
    if (at < in.length && in[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  private boolean is(int start, int end, byte[] name) {
    return Arrays.equals(in, start, end, name, 0, name.length);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** A byte that would continue an integer token into a fraction or an exponent. */
  private static boolean isNumberContinuation(byte b) {
    return b == '.' || b == 'e' || b == 'E';
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
