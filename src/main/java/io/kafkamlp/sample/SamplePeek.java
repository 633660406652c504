package io.kafkamlp.sample;

/**
 * Tells a labeled record from the others without parsing it: for a consumer that only wants
 * prediction requests (the server), skipping the training stream at a fraction of the cost of
 * {@link SampleCodec#parse}, which converts every number.
 *
 * <p>A binary record is labeled when its kind byte is LABEL, LABELS or TARGETS. A JSON record is
 * labeled when its top-level object has a key spelled {@code label}, {@code labels}, {@code target}
 * or {@code targets} without escapes; values are skipped by bracket and string structure only,
 * iteratively, so that no nesting depth can overflow the stack. A record that ends as the codec
 * writes a labeled sample ({@code ...],"label":3}}) is told from its last bytes alone.
 *
 * <p>The answer is one-sided by design: {@code true} only when {@link SampleCodec#parse} would
 * either return a labeled sample or refuse the record (whose fate the trainer decides), so a caller
 * may drop such records; {@code false} means "parse it to know".
 */
public final class SamplePeek {

  /** How {@link SampleCodec#toJson} writes a label member after the features: {@code ,"label":}. */
  private static final byte[] LABEL_MEMBER = {',', '"', 'l', 'a', 'b', 'e', 'l', '"', ':'};

  /** The most digits of a label read from a record's end. */
  private static final int MAX_TAIL_LABEL_DIGITS = 9;

  private SamplePeek() {}

  /**
   * Whether {@code value} is certainly not a prediction request (see the class comment).
   *
   * @param value a record's value; {@code null} and empty are not labeled
   */
  public static boolean isLabeled(byte[] value) {
    if (value == null || value.length == 0) {
      return false;
    }
    if (SampleCodec.isBinary(value)) {
      return value.length >= 4 && value[3] >= 1 && value[3] <= 3;
    }
    return endsWithLabel(value) || new Scan(value).labeledObject();
  }

  /**
   * Whether the record ends as {@link SampleCodec#toJson} ends a labeled sample, {@code
   * ,"label":3}} (then whitespace), read from the end without scanning the features before it. In
   * valid JSON those bytes can only be the last member of the top-level object: the final brace
   * closes the object, no string can hold the digits before it, and the quote that opens {@code
   * "label"} follows a comma, so it is not escaped. So either the record is valid and the parser
   * returns a labeled sample, or it refuses the record: the one-sided answer the class promises.
   */
  private static boolean endsWithLabel(byte[] text) {
    int i = text.length - 1;
    while (i >= 0 && SampleCodec.isWhitespace(text[i])) {
      i--;
    }
    if (i < 0 || text[i] != '}') {
      return false;
    }
    int digitsEnd = i;
    i--;
    while (i >= 0 && text[i] >= '0' && text[i] <= '9' && digitsEnd - i <= MAX_TAIL_LABEL_DIGITS) {
      i--;
    }
    if (i == digitsEnd - 1 || i >= 0 && text[i] >= '0' && text[i] <= '9') {
      return false; // no digits, or more than a label has
    }
    if (i >= 0 && text[i] == '-') {
      i--;
    }
    int memberStart = i - LABEL_MEMBER.length + 1;
    if (memberStart < 0) {
      return false;
    }
    for (int k = 0; k < LABEL_MEMBER.length; k++) {
      if (text[memberStart + k] != LABEL_MEMBER[k]) {
        return false;
      }
    }
    return true;
  }

  /** One pass over a JSON text; every method returns -1 when the text is not as expected. */
  private static final class Scan {
    private final byte[] text;

    Scan(byte[] text) {
      this.text = text;
    }

    boolean labeledObject() {
      int i = whitespace(0);
      if (i >= text.length || text[i] != '{') {
        return false;
      }
      i = whitespace(i + 1);
      if (i < text.length && text[i] == '}') {
        return false;
      }
      while (i < text.length && text[i] == '"') {
        int keyEnd = string(i);
        if (keyEnd < 0) {
          return false;
        }
        if (isLabelKey(i + 1, keyEnd - 1)) {
          return true;
        }
        i = whitespace(keyEnd);
        if (i >= text.length || text[i] != ':') {
          return false;
        }
        i = value(whitespace(i + 1));
        if (i < 0) {
          return false;
        }
        i = whitespace(i);
        if (i >= text.length || text[i] != ',') {
          return false;
        }
        i = whitespace(i + 1);
      }
      return false;
    }

    /** Whether {@code text[from, to)} is one of the label keys. */
    private boolean isLabelKey(int from, int to) {
      return equals(from, to, "label")
          || equals(from, to, "labels")
          || equals(from, to, "target")
          || equals(from, to, "targets");
    }

    private boolean equals(int from, int to, String key) {
      if (to - from != key.length()) {
        return false;
      }
      for (int k = 0; k < key.length(); k++) {
        if (text[from + k] != key.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /** The index just after the string that opens at {@code i} (a quote), or -1. */
    private int string(int i) {
      for (int j = i + 1; j < text.length; j++) {
        if (text[j] == '\\') {
          j++;
        } else if (text[j] == '"') {
          return j + 1;
        }
      }
      return -1;
    }

    /** The index just after the value that starts at {@code i}, or -1. */
    private int value(int i) {
      if (i >= text.length) {
        return -1;
      }
      if (text[i] == '"') {
        return string(i);
      }
      if (text[i] != '[' && text[i] != '{') {
        int j = i;
        while (j < text.length
            && text[j] != ','
            && text[j] != '}'
            && !SampleCodec.isWhitespace(text[j])) {
          j++;
        }
        return j == i ? -1 : j;
      }
      int depth = 0;
      for (int j = i; j < text.length; j++) {
        byte b = text[j];
        if (b == '"') {
          j = string(j);
          if (j < 0) {
            return -1;
          }
          j--;
        } else if (b == '[' || b == '{') {
          depth++;
        } else if ((b == ']' || b == '}') && --depth == 0) {
          return j + 1;
        }
      }
      return -1;
    }

    private int whitespace(int i) {
      while (i < text.length && SampleCodec.isWhitespace(text[i])) {
        i++;
      }
      return i;
    }
  }
}
