package io.kafkamlp.sample;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads and writes samples, in JSON or in a compact binary format; the format of a record is told
 * by its first bytes.
 *
 * <h2>JSON</h2>
 *
 * <p>One object, after optional whitespace ({@code ' ', '\t', '\r', '\n'}):
 *
 * <pre>{@code
 * {"features": [0.1, 0.5, ...], "label": 3}          single class (softmax, svm)
 * {"features": [...], "labels": [1, 4]}              multi-label (multilabel)
 * {"features": [...], "target": 1.5}                 one regression target (l2, l1)
 * {"features": [...], "targets": [1.5, -2]}          several regression targets
 * {"features": [...], "model": "fraud"}              unlabeled: a prediction request
 * }</pre>
 *
 * <p>{@code features} is required; at most one of {@code label}, {@code labels}, {@code target},
 * {@code targets}; {@code model} is optional ({@link Sample#DEFAULT_MODEL} when absent) and must be
 * a non-empty string. Any other field, a repeated field, a non-numeric token ({@code NaN}) or
 * anything after the object is refused. Labels are integer tokens ({@code 3}, not {@code 3.0}) of
 * magnitude at most 2^24, so that they are exact as floats. Numbers are rounded once, straight to
 * the nearest float; a number beyond the float range is refused as infinite.
 *
 * <h2>Binary</h2>
 *
 * <p>Little-endian throughout:
 *
 * <table>
 *   <caption>binary sample layout, version 1</caption>
 *   <tr><th>bytes</th><th>type</th><th>content</th></tr>
 *   <tr><td>2</td><td>u8[2]</td><td>magic {@code 'K','S'} (0x4B 0x53)</td></tr>
 *   <tr><td>1</td><td>u8</td><td>version, 1</td></tr>
 *   <tr><td>1</td><td>u8</td><td>kind: 0 NONE, 1 LABEL, 2 LABELS, 3 TARGETS</td></tr>
 *   <tr><td>2</td><td>u16</td><td>L, length of the model name; 0 for the default model</td></tr>
 *   <tr><td>L</td><td>u8[L]</td><td>model name, UTF-8</td></tr>
 *   <tr><td>4</td><td>i32</td><td>n, the number of features, &gt;= 0</td></tr>
 *   <tr><td>4n</td><td>f32[n]</td><td>features</td></tr>
 *   <tr><td>4</td><td>i32</td><td>LABEL only: the class index</td></tr>
 *   <tr><td>4 + 4m</td><td>i32, i32[m]</td><td>LABELS only: m, then m label indices</td></tr>
 *   <tr><td>4 + 4m</td><td>i32, f32[m]</td><td>TARGETS only: m, then m target values</td></tr>
 * </table>
 *
 * <p>NONE has no target section. The record ends there: trailing bytes are refused, as are NaN and
 * infinite features or targets.
 *
 * <h2>Both formats</h2>
 *
 * <p>Records are refused when empty ({@code null} or no bytes), and when over the {@link
 * SampleLimits}: longer than {@link SampleLimits#maxRecordBytes()} (checked on the raw bytes before
 * parsing), or with more than {@link SampleLimits#maxFeatures()} features, labels or targets
 * (checked from the binary count before the array is read, and while streaming JSON: the parser
 * stops at the first element over the limit). {@link #parse} does not know the model: exact feature
 * counts and label ranges are checked by {@link SampleValidator}. Every method is thread-safe.
 *
 * <p>A well-formed JSON record of the common shape (no escapes, ASCII model name) is read in one
 * pass by {@link JsonFastPath}, which gives the same sample bit for bit; anything else, every
 * refused record included, by Jackson's streaming parser, which words the reasons.
 */
public final class SampleCodec {

  /** The binary format's version byte. */
  public static final int BINARY_VERSION = 1;

  /** Longest model name, in UTF-8 bytes (the binary format's u16 length). */
  public static final int MAX_MODEL_NAME_BYTES = 0xFFFF;

  private static final byte MAGIC_0 = 'K';
  private static final byte MAGIC_1 = 'S';
  private static final int BINARY_HEADER_BYTES = 6;
  private static final int CLIP = 64;
  private static final int MAX_REASON = 400;
  private static final int SCRATCH_KEPT = 1 << 16;

  /** The longest {@link Float#toString(float)}: {@code -1.17549435E-38}. */
  private static final int MAX_FLOAT_CHARS = 15;

  /** The values of an empty array; shared, never written. */
  static final float[] NO_VALUES = new float[0];

  private static final String FEATURES = "features";
  private static final String LABEL = "label";
  private static final String LABELS = "labels";
  private static final String TARGET = "target";
  private static final String TARGETS = "targets";
  private static final String MODEL = "model";
  private static final String FIELDS = "features, label, labels, target, targets, model";

  // Shared and thread-safe once configured. Field names are not interned: they are compared once
  // and an unknown one must not stay in the JVM's string table.
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  // A per-thread buffer that numeric arrays are read into before one exact-size copy.
  private static final ThreadLocal<float[]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[1024]);

  private SampleCodec() {}

  /** Reads one record within the {@linkplain SampleLimits#DEFAULTS default limits}. */
  public static Sample parse(byte[] value) {
    return parse(value, SampleLimits.DEFAULTS);
  }

  /**
   * Reads one record, JSON or binary (see the class comment).
   *
   * @param value the record's value; not modified
   * @param limits the largest record and feature count accepted, enforced before allocating
   * @return the sample, with finite features and targets; neither the exact feature count nor the
   *     label range is checked here
   * @throws RejectedSampleException with stage {@link Rejection#PARSE} and a reason naming the
   *     problem: {@code "empty record"}, {@code "oversized record: 2000000 bytes > 1048576"},
   *     {@code "too many features: more than 65536"}, {@code "not JSON: ..."}, {@code "features
   *     missing"}, {@code "features must be an array of numbers"}, {@code "label must be an
   *     integer"}, {@code "both label and labels given"}, {@code "model must be a string"}, {@code
   *     "unknown field 'x'"}, {@code "NaN or infinite feature at index 3"}, {@code "truncated
   *     binary sample"}, ...
   */
  public static Sample parse(byte[] value, SampleLimits limits) {
    if (value == null || value.length == 0) {
      throw reject("empty record");
    }
    if (value.length > limits.maxRecordBytes()) {
      throw reject("oversized record: " + value.length + " bytes > " + limits.maxRecordBytes());
    }
    if (isBinary(value)) {
      return parseBinary(value, 0, limits.maxFeatures());
    }
    int i = 0;
    while (i < value.length && isWhitespace(value[i])) {
      i++;
    }
    if (i == value.length) {
      throw reject("empty record (only whitespace)");
    }
    if (value[i] != '{') {
      throw reject(
          "not JSON: expected '{' or the binary magic 'KS', found "
              + describeByte(value[i])
              + " at byte offset "
              + i);
    }
    Sample common = JsonFastPath.read(value, i, limits.maxFeatures());
    return common != null ? common : parseJson(value, limits.maxFeatures());
  }

  /**
   * The canonical JSON form: {@code {"model":"m","features":[...],"label":3}}, with {@code model}
   * left out for the default model and the target field by kind: {@code "label"}, {@code "labels"},
   * {@code "targets"} (always the array form) or none. Floats are written with {@link
   * Float#toString(float)}, so {@link #parse} gives back the same bits.
   *
   * @throws IllegalArgumentException if a feature or target is NaN or infinite (JSON cannot hold
   *     them)
   */
  public static byte[] toJson(Sample s) {
    requireFinite(s);
    ByteArrayBuilder out = new ByteArrayBuilder(16 + 12 * s.features().length);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!s.model().equals(Sample.DEFAULT_MODEL)) {
        g.writeStringField(MODEL, s.model());
      }
      g.writeFieldName(FEATURES);
      writeFloats(g, s.features());
      switch (s.kind()) {
        case NONE:
          break;
        case LABEL:
          g.writeNumberField(LABEL, (int) s.targets()[0]);
          break;
        case LABELS:
          g.writeFieldName(LABELS);
          g.writeStartArray();
          for (float label : s.targets()) {
            g.writeNumber((int) label);
          }
          g.writeEndArray();
          break;
        case TARGETS:
          g.writeFieldName(TARGETS);
          writeFloats(g, s.targets());
          break;
        default:
          throw new AssertionError(s.kind());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the output is in memory
    }
    return out.toByteArray();
  }

  /**
   * The binary form (see the class comment); the model name is written with length 0 when it is the
   * default model. Values are written as they are, NaN included: the codec writes what it is given
   * and {@link #parse} refuses what the model must not see.
   *
   * @throws IllegalArgumentException if the model name is longer than {@link #MAX_MODEL_NAME_BYTES}
   *     UTF-8 bytes
   */
  public static byte[] toBinary(Sample s) {
    return toBinary(s, 0);
  }

  /**
   * As {@link #toBinary(Sample)}, after {@code headroom} bytes left 0 for the caller's own header:
   * one array for both, no copy. {@link #parseBinary(byte[], int)} reads it back.
   */
  public static byte[] toBinary(Sample s, int headroom) {
    byte[] model =
        s.model().equals(Sample.DEFAULT_MODEL)
            ? new byte[0]
            : s.model().getBytes(StandardCharsets.UTF_8);
    if (model.length > MAX_MODEL_NAME_BYTES) {
      throw new IllegalArgumentException(
          "model name longer than " + MAX_MODEL_NAME_BYTES + " UTF-8 bytes: " + model.length);
    }
    float[] targets = s.targets();
    int size = BINARY_HEADER_BYTES + model.length + 4 + 4 * s.features().length;
    switch (s.kind()) {
      case NONE:
        break;
      case LABEL:
        size += 4;
        break;
      case LABELS:
      case TARGETS:
        size += 4 + 4 * targets.length;
        break;
      default:
        throw new AssertionError(s.kind());
    }
    ByteBuffer out = ByteBuffer.allocate(headroom + size).order(ByteOrder.LITTLE_ENDIAN);
    out.position(headroom);
    out.put(MAGIC_0).put(MAGIC_1).put((byte) BINARY_VERSION).put((byte) s.kind().ordinal());
    out.putShort((short) model.length).put(model);
    out.putInt(s.features().length);
    putFloats(out, s.features());
    switch (s.kind()) {
      case LABEL:
        out.putInt((int) targets[0]);
        break;
      case LABELS:
        out.putInt(targets.length);
        for (float label : targets) {
          out.putInt((int) label);
        }
        break;
      case TARGETS:
        out.putInt(targets.length);
        putFloats(out, targets);
        break;
      default:
        break;
    }
    return out.array();
  }

  // ---- JSON -------------------------------------------------------------------------------------

  /**
   * Reads a JSON record with Jackson's streaming parser; every refusal and its reason come from
   * here.
   */
  static Sample parseJson(byte[] value, int maxCount) {
    String model = Sample.DEFAULT_MODEL;
    float[] features = null;
    TargetKind kind = TargetKind.NONE;
    float[] targets = NO_VALUES;
    String targetField = null;
    boolean modelSeen = false;
    try (JsonParser p = JSON.createParser(value)) {
      p.nextToken(); // START_OBJECT: parse() saw the '{'
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case FEATURES:
            if (features != null) {
              throw duplicate(name);
            }
            features = readNumbers(p, v, FEATURES, "feature", maxCount);
            break;
          case MODEL:
            if (modelSeen) {
              throw duplicate(name);
            }
            modelSeen = true;
            model = readModel(p, v);
            break;
          case LABEL:
          case LABELS:
          case TARGET:
          case TARGETS:
            if (targetField != null) {
              throw reject(
                  targetField.equals(name)
                      ? "duplicate field '" + name + "'"
                      : "both " + targetField + " and " + name + " given");
            }
            targetField = name;
            kind = kindOf(name);
            targets = readTargets(p, v, name, maxCount);
            break;
          default:
            throw reject("unknown field '" + clip(name) + "' (expected one of " + FIELDS + ")");
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw reject("not JSON: unexpected " + token + " in the object");
      }
      requireEnd(p);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the input is in memory
    }
    if (features == null) {
      throw reject("features missing");
    }
    return new Sample(model, features, kind, targets);
  }

  private static void requireEnd(JsonParser p) throws IOException {
    JsonToken after;
    try {
      after = p.nextToken();
    } catch (JsonProcessingException e) {
      after = JsonToken.NOT_AVAILABLE;
    }
    if (after != null) {
      throw reject(
          "not JSON: trailing content after the object at byte offset "
              + offset(p.currentLocation()));
    }
  }

  private static TargetKind kindOf(String field) {
    switch (field) {
      case LABEL:
        return TargetKind.LABEL;
      case LABELS:
        return TargetKind.LABELS;
      default:
        return TargetKind.TARGETS;
    }
  }

  private static float[] readTargets(JsonParser p, JsonToken v, String field, int maxCount)
      throws IOException {
    switch (field) {
      case LABEL:
        return new float[] {readLabel(p, v, -1)};
      case LABELS:
        return readLabels(p, v, maxCount);
      case TARGET:
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
          throw reject("target must be a number, got " + describe(p, v));
        }
        return new float[] {readFinite(p, "target", 0)};
      default:
        return readNumbers(p, v, TARGETS, "target", maxCount);
    }
  }

  private static String readModel(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      throw reject("model must be a string, got " + describe(p, v));
    }
    String model = p.getText();
    if (model.isEmpty()) {
      throw reject("model must not be empty");
    }
    // At most 3 UTF-8 bytes per char: only long names need counting.
    if (model.length() > MAX_MODEL_NAME_BYTES / 3
        && model.getBytes(StandardCharsets.UTF_8).length > MAX_MODEL_NAME_BYTES) {
      throw reject("model name longer than " + MAX_MODEL_NAME_BYTES + " UTF-8 bytes");
    }
    return model;
  }

  /**
   * An array of at most {@code maxCount} numbers as floats, each finite; {@code what} names one
   * element in reasons. Stops at element {@code maxCount}, before growing the buffer for it.
   */
  private static float[] readNumbers(
      JsonParser p, JsonToken v, String field, String what, int maxCount) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      throw reject(field + " must be an array of numbers, got " + describe(p, v));
    }
    float[] buffer = scratch();
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
        throw reject(
            field + " must be an array of numbers, element " + n + " is " + describe(p, t));
      }
      if (n == maxCount) {
        throw tooMany(field, maxCount);
      }
      if (n == buffer.length) {
        buffer = growScratch(buffer, maxCount);
      }
      buffer[n] = readFinite(p, what, n);
      n++;
    }
    return n == 0 ? NO_VALUES : Arrays.copyOf(buffer, n);
  }

  /** This thread's buffer for reading a numeric array before one exact-size copy. */
  static float[] scratch() {
    return SCRATCH.get();
  }

  /**
   * {@code buffer}, full, copied into one twice as long (at most {@code maxCount}); kept as this
   * thread's scratch buffer unless it is very large.
   */
  static float[] growScratch(float[] buffer, int maxCount) {
    float[] grown = doubled(buffer, maxCount);
    if (grown.length <= SCRATCH_KEPT) {
      SCRATCH.set(grown);
    }
    return grown;
  }

  /** {@code values}, full, copied into an array twice as long, but at most {@code maxCount}. */
  static float[] doubled(float[] values, int maxCount) {
    return Arrays.copyOf(values, (int) Math.min(2L * values.length, maxCount));
  }

  private static float readFinite(JsonParser p, String what, int index) throws IOException {
    float f = p.getFloatValue();
    if (!Float.isFinite(f)) {
      throw reject(
          "NaN or infinite "
              + what
              + " at index "
              + index
              + " ("
              + clip(p.getText())
              + " is beyond the float range)");
    }
    return f;
  }

  private static float[] readLabels(JsonParser p, JsonToken v, int maxCount) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      throw reject("labels must be an array of integers, got " + describe(p, v));
    }
    float[] labels = new float[4];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (n == maxCount) {
        throw tooMany(LABELS, maxCount);
      }
      if (n == labels.length) {
        labels = doubled(labels, maxCount);
      }
      labels[n] = readLabel(p, t, n);
      n++;
    }
    return Arrays.copyOf(labels, n);
  }

  /**
   * An integer token of magnitude at most 2^24: {@code label}, or element {@code index} of {@code
   * labels} when {@code index >= 0}.
   */
  private static float readLabel(JsonParser p, JsonToken t, int index) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw reject(
          index < 0
              ? "label must be an integer, got " + describe(p, t)
              : "labels must be an array of integers, element " + index + " is " + describe(p, t));
    }
    if (p.getNumberType() != JsonParser.NumberType.INT
        || Math.abs((long) p.getIntValue()) > Sample.MAX_EXACT_LABEL) {
      throw reject(
          "label "
              + clip(p.getText())
              + " is too large for a class index (magnitude at most "
              + Sample.MAX_EXACT_LABEL
              + ")");
    }
    return p.getIntValue();
  }

  /** A token for a reason: its text for a scalar, its type for an array or object. */
  private static String describe(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string \"" + clip(p.getText()) + "\"";
      default:
        return clip(p.getText());
    }
  }

  private static RejectedSampleException notJson(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    JsonLocation where = e.getLocation();
    String reason =
        "not JSON: "
            + (message == null ? e.getClass().getSimpleName() : tidy(message))
            + (where == null || offset(where) < 0 ? "" : " at byte offset " + offset(where));
    return new RejectedSampleException(
        Rejection.parse(
            reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "..."),
        e);
  }

  /** Jackson's message without its advice on parser features and its redacted source marker. */
  private static String tidy(String message) {
    return message
        .replace('\n', ' ')
        .replaceAll(": enable `[^`]*` to allow", "")
        .replaceAll("\\[Source: [^;\\]]*; ", "[");
  }

  private static long offset(JsonLocation where) {
    return where.getByteOffset();
  }

  private static RejectedSampleException duplicate(String field) {
    return reject("duplicate field '" + field + "'");
  }

  /**
   * The array as Jackson writes it ({@link Float#toString(float)} for each value), composed here
   * and handed over as one raw value: an integral value by {@link FloatText}, any other by {@code
   * Float.toString}. JMH {@code SampleCodecBenchmark.toJson}, a record of 784 raw pixels: 8.8 us,
   * against 26.8 through Jackson value by value (2026-12-01); pixels scaled to [0, 1] take {@code
   * Float.toString}'s time either way (about 40 us).
   */
  private static void writeFloats(JsonGenerator g, float[] values) throws IOException {
    char[] text = new char[2 + values.length * (MAX_FLOAT_CHARS + 1)];
    int length = 0;
    text[length++] = '[';
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text[length++] = ',';
      }
      int written = FloatText.integral(values[i], text, length);
      if (written < 0) {
        String general = Float.toString(values[i]);
        general.getChars(0, general.length(), text, length);
        written = general.length();
      }
      length += written;
    }
    text[length++] = ']';
    g.writeRawValue(text, 0, length);
  }

  private static void requireFinite(Sample s) {
    for (int i = 0; i < s.features().length; i++) {
      if (!Float.isFinite(s.features()[i])) {
        throw new IllegalArgumentException(
            "JSON cannot hold the NaN or infinite feature at index " + i);
      }
    }
    for (int i = 0; i < s.targets().length; i++) {
      if (!Float.isFinite(s.targets()[i])) {
        throw new IllegalArgumentException(
            "JSON cannot hold the NaN or infinite target at index " + i);
      }
    }
  }

  // ---- binary -----------------------------------------------------------------------------------

  /**
   * Reads a binary sample that starts {@code offset} bytes into {@code value} and ends with it, as
   * {@link #toBinary(Sample, int)} writes it, with no size limits: for records the pipeline wrote
   * itself.
   *
   * @throws RejectedSampleException (stage {@link Rejection#PARSE}) if it is not one
   */
  public static Sample parseBinary(byte[] value, int offset) {
    if (value.length - offset < 2 || value[offset] != MAGIC_0 || value[offset + 1] != MAGIC_1) {
      throw reject("not a binary sample at byte offset " + offset);
    }
    return parseBinary(value, offset, SampleLimits.NONE.maxFeatures());
  }

  private static Sample parseBinary(byte[] value, int offset, int maxCount) {
    ByteBuffer in =
        ByteBuffer.wrap(value, offset, value.length - offset)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    try {
      in.position(2);
      int version = in.get() & 0xFF;
      if (version != BINARY_VERSION) {
        throw reject(
            "unsupported binary sample version " + version + " (expected " + BINARY_VERSION + ")");
      }
      int kindCode = in.get() & 0xFF;
      TargetKind[] kinds = TargetKind.values();
      if (kindCode >= kinds.length) {
        throw reject("unknown binary sample kind " + kindCode + " (expected 0 to 3)");
      }
      TargetKind kind = kinds[kindCode];
      String model = readModelName(in);
      float[] features = readFloats(in, "features", "feature", maxCount);
      float[] targets;
      switch (kind) {
        case NONE:
          targets = NO_VALUES;
          break;
        case LABEL:
          targets = new float[] {binaryLabel(in.getInt())};
          break;
        case LABELS:
          {
            int m = count(in, "labels", maxCount);
            targets = new float[m];
            for (int i = 0; i < m; i++) {
              targets[i] = binaryLabel(in.getInt());
            }
            break;
          }
        case TARGETS:
          targets = readFloats(in, "targets", "target", maxCount);
          break;
        default:
          throw new AssertionError(kind);
      }
      if (in.hasRemaining()) {
        throw reject(
            "trailing bytes after the binary sample: "
                + in.remaining()
                + " bytes after byte offset "
                + in.position());
      }
      return new Sample(model, features, kind, targets);
    } catch (BufferUnderflowException e) {
      throw reject(
          "truncated binary sample: " + (value.length - offset) + " bytes end inside a field");
    }
  }

  private static String readModelName(ByteBuffer in) {
    int length = in.getShort() & 0xFFFF;
    if (length == 0) {
      return Sample.DEFAULT_MODEL;
    }
    if (length > in.remaining()) {
      throw reject(
          "truncated binary sample: model name of "
              + length
              + " bytes, "
              + in.remaining()
              + " bytes left");
    }
    ByteBuffer name = in.slice().limit(length);
    in.position(in.position() + length);
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(name);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw reject("model name is not valid UTF-8");
    }
  }

  /** A count from the binary header, checked against the limit before anything is read. */
  private static int count(ByteBuffer in, String field, int maxCount) {
    int n = in.getInt();
    if (n < 0) {
      throw reject("negative " + field + " count " + n + " in binary sample");
    }
    if (n > maxCount) {
      throw reject("too many " + field + ": " + n + " > " + maxCount);
    }
    if (4L * n > in.remaining()) {
      throw reject(
          "truncated binary sample: "
              + n
              + " "
              + field
              + " need "
              + 4L * n
              + " bytes, "
              + in.remaining()
              + " left");
    }
    return n;
  }

  private static float[] readFloats(ByteBuffer in, String field, String what, int maxCount) {
    int n = count(in, field, maxCount);
    if (n == 0) {
      return NO_VALUES;
    }
    float[] values = new float[n];
    in.asFloatBuffer().get(values);
    in.position(in.position() + 4 * n);
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(values[i])) {
        throw reject("NaN or infinite " + what + " at index " + i);
      }
    }
    return values;
  }

  private static float binaryLabel(int label) {
    if (Math.abs((long) label) > Sample.MAX_EXACT_LABEL) {
      throw reject(
          "label "
              + label
              + " is too large for a class index (magnitude at most "
              + Sample.MAX_EXACT_LABEL
              + ")");
    }
    return label;
  }

  private static void putFloats(ByteBuffer out, float[] values) {
    out.asFloatBuffer().put(values);
    out.position(out.position() + 4 * values.length);
  }

  // ---- shared -----------------------------------------------------------------------------------

  /** Whether {@code value} opens with the binary format's magic. */
  static boolean isBinary(byte[] value) {
    return value.length >= 2 && value[0] == MAGIC_0 && value[1] == MAGIC_1;
  }

  /** JSON's insignificant whitespace. */
  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private static String describeByte(byte b) {
    return b >= 0x21 && b <= 0x7E ? "'" + (char) b + "'" : String.format("byte 0x%02X", b & 0xFF);
  }

  /** {@code text} cut to a header-friendly length. */
  static String clip(String text) {
    return text.length() <= CLIP ? text : text.substring(0, CLIP) + "...";
  }

  private static RejectedSampleException tooMany(String field, int maxCount) {
    return reject("too many " + field + ": more than " + maxCount);
  }

  private static RejectedSampleException reject(String reason) {
    return new RejectedSampleException(Rejection.parse(reason));
  }
}
