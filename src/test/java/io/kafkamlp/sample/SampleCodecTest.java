package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** JSON and binary round trips, the documented layouts, and every reason a record is refused. */
class SampleCodecTest {

  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  static Stream<Sample> samplesOfEveryKind() {
    float[] x = {0.5f, -1.25f, 0f, 3e-7f};
    return Stream.of(
        new Sample(Sample.DEFAULT_MODEL, x, TargetKind.NONE, new float[0]),
        new Sample("fraud", x, TargetKind.NONE, new float[0]),
        new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {3f}),
        new Sample("m\u00e9t\u00e9o \"q\"", x, TargetKind.LABEL, new float[] {0f}),
        new Sample("tags", x, TargetKind.LABELS, new float[] {1f, 4f}),
        new Sample("tags", x, TargetKind.LABELS, new float[0]),
        new Sample("price", x, TargetKind.TARGETS, new float[] {1.5f}),
        new Sample("price", x, TargetKind.TARGETS, new float[] {1.5f, -2f, 1e30f}),
        new Sample("empty", new float[0], TargetKind.NONE, new float[0]));
  }

  @ParameterizedTest
  @MethodSource("samplesOfEveryKind")
  void shouldGiveTheSameSampleBackWhenWrittenAsJsonAndParsed(Sample sample) {
    // Given
    byte[] json = SampleCodec.toJson(sample);

    // When
    Sample parsed = SampleCodec.parse(json);

    // Then
    assertEquals(sample, parsed);
  }

  @ParameterizedTest
  @MethodSource("samplesOfEveryKind")
  void shouldGiveTheSameSampleBackWhenWrittenAsBinaryAndParsed(Sample sample) {
    // Given
    byte[] binary = SampleCodec.toBinary(sample);

    // When
    Sample parsed = SampleCodec.parse(binary);

    // Then
    assertEquals(sample, parsed);
  }

  @ParameterizedTest
  @MethodSource("samplesOfEveryKind")
  void shouldLeaveHeadroomAndReadItBackFromTheOffsetWhenAskedTo(Sample sample) {
    // Given
    byte[] plain = SampleCodec.toBinary(sample);

    // When
    byte[] withHeadroom = SampleCodec.toBinary(sample, 3);

    // Then: 3 zero bytes, then exactly the plain encoding, which reads back from offset 3
    assertArrayEquals(new byte[3], Arrays.copyOf(withHeadroom, 3));
    assertArrayEquals(plain, Arrays.copyOfRange(withHeadroom, 3, withHeadroom.length));
    assertEquals(sample, SampleCodec.parseBinary(withHeadroom, 3));
  }

  @Test
  void shouldRejectWhenNoBinarySampleStartsAtTheOffset() {
    byte[] json = "xx{\"features\":[1],\"label\":0}".getBytes(StandardCharsets.UTF_8);
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parseBinary(json, 2));
    assertEquals("not a binary sample at byte offset 2", e.rejection().reason());
    byte[] truncated =
        Arrays.copyOf(
            SampleCodec.toBinary(
                new Sample(
                    Sample.DEFAULT_MODEL,
                    new float[] {1f, 2f, 3f},
                    TargetKind.LABEL,
                    new float[] {1f}),
                1),
            12);
    assertTrue(
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parseBinary(truncated, 1))
            .rejection()
            .reason()
            .startsWith("truncated binary sample"));
  }

  @Test
  void shouldKeepEveryBitWhen784AwkwardFloatsMakeARoundTrip() {
    // Given
    SplittableRandom random = new SplittableRandom(42);
    float[] x = new float[784];
    for (int i = 0; i < x.length; i++) {
      x[i] = Float.intBitsToFloat(random.nextInt()); // any bits, all exponents
      if (!Float.isFinite(x[i])) {
        x[i] = i;
      }
    }
    x[0] = -0f;
    x[1] = Float.MIN_VALUE;
    x[2] = Float.MAX_VALUE;
    x[3] = -Float.MIN_NORMAL;
    x[4] = 0.1f;
    Sample sample = new Sample("m", x, TargetKind.LABEL, new float[] {9f});

    // When
    Sample fromJson = SampleCodec.parse(SampleCodec.toJson(sample));
    Sample fromBinary = SampleCodec.parse(SampleCodec.toBinary(sample));

    // Then
    assertEquals(sample, fromJson);
    assertEquals(sample, fromBinary);
  }

  @Test
  void shouldWriteTheCanonicalJsonWhenAskedForJson() {
    // Given
    float[] x = {0.5f, -1f};
    Sample labeled = new Sample("m", x, TargetKind.LABEL, new float[] {3f});
    Sample multi = new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABELS, new float[] {1f, 4f});
    Sample regression = new Sample(Sample.DEFAULT_MODEL, x, TargetKind.TARGETS, new float[] {2f});
    Sample unlabeled = new Sample(Sample.DEFAULT_MODEL, x, TargetKind.NONE, new float[0]);

    // When / Then
    assertEquals(
        "{\"model\":\"m\",\"features\":[0.5,-1.0],\"label\":3}", json(SampleCodec.toJson(labeled)));
    assertEquals("{\"features\":[0.5,-1.0],\"labels\":[1,4]}", json(SampleCodec.toJson(multi)));
    assertEquals(
        "{\"features\":[0.5,-1.0],\"targets\":[2.0]}", json(SampleCodec.toJson(regression)));
    assertEquals("{\"features\":[0.5,-1.0]}", json(SampleCodec.toJson(unlabeled)));
  }

  @Test
  void shouldWriteTheDocumentedLittleEndianLayoutWhenAskedForBinary() {
    // Given
    Sample sample = new Sample("m", new float[] {1f}, TargetKind.LABELS, new float[] {2f, 5f});

    // When
    byte[] binary = SampleCodec.toBinary(sample);

    // Then
    assertEquals(
        "4b53" // 'K','S'
            + "01" // version 1
            + "02" // kind LABELS
            + "0100" // u16 model name length 1
            + "6d" // "m"
            + "01000000" // i32 n = 1
            + "0000803f" // f32 1.0
            + "02000000" // i32 m = 2
            + "02000000" // i32 2
            + "05000000", // i32 5
        HexFormat.of().formatHex(binary));
  }

  @Test
  void shouldReadEveryFieldWhenJsonHasWhitespaceIntegersAndAnyFieldOrder() {
    // Given
    byte[] json =
        bytes(" \r\n\t{ \"target\" : -2 , \"model\":\"price\", \"features\" : [1, 2.5e1] }\n");

    // When
    Sample sample = SampleCodec.parse(json);

    // Then
    assertEquals(
        new Sample("price", new float[] {1f, 25f}, TargetKind.TARGETS, new float[] {-2f}), sample);
  }

  @Test
  void shouldRoundOnceToTheNearestFloatWhenADecimalLiesJustBelowAHalfway() {
    // Given: rounding through double would reach the halfway point and then round up
    String decimal = "1.00000017881393432617187499";
    byte[] json = bytes("{\"features\":[" + decimal + "]}");

    // When
    Sample sample = SampleCodec.parse(json);

    // Then
    assertEquals(Float.parseFloat(decimal), sample.features()[0]);
    assertTrue(Float.parseFloat(decimal) != (float) Double.parseDouble(decimal));
  }

  @Test
  void shouldReadTheDefaultModelWhenTheBinaryModelNameIsEmptyOrExplicit() {
    // Given
    Sample named = new Sample("default", new float[] {1f}, TargetKind.NONE, new float[0]);
    byte[] explicit =
        binary(
            b -> b.put((byte) 'K').put((byte) 'S').put((byte) 1).put((byte) 0).putShort((short) 7),
            b -> b.put(bytes("default")).putInt(1).putFloat(1f));

    // When / Then
    assertEquals(named, SampleCodec.parse(explicit));
    assertEquals(6 + 4 + 4, SampleCodec.toBinary(named).length);
  }

  static Stream<Arguments> badJson() {
    return Stream.of(
        Arguments.of("{\"label\":3}", "features missing"),
        Arguments.of("{}", "features missing"),
        Arguments.of(
            "{\"features\":\"1,2\"}", "features must be an array of numbers, got a string \"1,2\""),
        Arguments.of(
            "{\"features\":[1,\"2\"]}",
            "features must be an array of numbers, element 1 is a string \"2\""),
        Arguments.of(
            "{\"features\":[1,null]}", "features must be an array of numbers, element 1 is null"),
        Arguments.of(
            "{\"features\":[1,[2]]}",
            "features must be an array of numbers, element 1 is an array"),
        Arguments.of(
            "{\"features\":[0,1,2,1e39]}",
            "NaN or infinite feature at index 3 (1e39 is beyond the float range)"),
        Arguments.of("{\"features\":[1],\"label\":3.0}", "label must be an integer, got 3.0"),
        Arguments.of(
            "{\"features\":[1],\"label\":\"3\"}", "label must be an integer, got a string \"3\""),
        Arguments.of(
            "{\"features\":[1],\"label\":99999999999}",
            "label 99999999999 is too large for a class index (magnitude at most 16777216)"),
        Arguments.of(
            "{\"features\":[1],\"labels\":3}", "labels must be an array of integers, got 3"),
        Arguments.of(
            "{\"features\":[1],\"labels\":[1,2.5]}",
            "labels must be an array of integers, element 1 is 2.5"),
        Arguments.of("{\"features\":[1],\"target\":[1]}", "target must be a number, got an array"),
        Arguments.of(
            "{\"features\":[1],\"targets\":[1,true]}",
            "targets must be an array of numbers, element 1 is true"),
        Arguments.of(
            "{\"features\":[1],\"targets\":[1,-1e39]}",
            "NaN or infinite target at index 1 (-1e39 is beyond the float range)"),
        Arguments.of(
            "{\"features\":[1],\"label\":1,\"labels\":[2]}", "both label and labels given"),
        Arguments.of("{\"target\":1,\"features\":[1],\"label\":1}", "both target and label given"),
        Arguments.of("{\"features\":[1],\"label\":1,\"label\":2}", "duplicate field 'label'"),
        Arguments.of("{\"features\":[1],\"features\":[2]}", "duplicate field 'features'"),
        Arguments.of("{\"features\":[1],\"model\":1}", "model must be a string, got 1"),
        Arguments.of("{\"features\":[1],\"model\":null}", "model must be a string, got null"),
        Arguments.of("{\"features\":[1],\"model\":\"\"}", "model must not be empty"),
        Arguments.of(
            "{\"features\":[1],\"x\":1}",
            "unknown field 'x' (expected one of features, label, labels, target, targets, model)"),
        Arguments.of(
            "{\"features\":[1]} {}", "not JSON: trailing content after the object at byte offset"),
        Arguments.of(
            "{\"features\":[1]} x", "not JSON: trailing content after the object at byte offset"),
        Arguments.of("[1,2]", "not JSON: expected '{' or the binary magic 'KS', found '['"),
        Arguments.of("hello", "not JSON: expected '{' or the binary magic 'KS', found 'h'"),
        Arguments.of("{\"features\":[1,NaN]}", "not JSON: Non-standard token 'NaN'"),
        Arguments.of("{\"features\":[1,2]", "not JSON: Unexpected end-of-input"),
        Arguments.of("{\"features\":[1,2],}", "not JSON: Unexpected character ('}'"),
        Arguments.of(" \n\t ", "empty record (only whitespace)"));
  }

  @ParameterizedTest
  @MethodSource("badJson")
  void shouldRejectAtParseWithAReasonNamingTheProblemWhenJsonIsBad(String json, String reason) {
    // Given
    byte[] value = bytes(json);

    // When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(value));

    // Then
    assertEquals(Rejection.PARSE, e.rejection().stage());
    assertTrue(
        e.rejection().reason().startsWith(reason),
        () -> "expected '" + reason + "...', got '" + e.rejection().reason() + "'");
  }

  @Test
  void shouldClipTheFieldNameWhenAnUnknownFieldNameIsHuge() {
    // Given
    byte[] value = bytes("{\"features\":[1],\"" + "x".repeat(10_000) + "\":1}");

    // When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(value));

    // Then
    assertEquals(Rejection.PARSE, e.rejection().stage());
    assertTrue(e.rejection().reason().startsWith("unknown field 'xxxx"));
    assertTrue(e.rejection().reason().length() < 200, e.rejection().reason());
  }

  @Test
  void shouldRejectEmptyRecordsWhenNullOrNoBytes() {
    // Given / When
    RejectedSampleException ofNull =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(null));
    RejectedSampleException ofNothing =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(new byte[0]));

    // Then
    assertEquals(Rejection.parse("empty record"), ofNull.rejection());
    assertEquals(Rejection.parse("empty record"), ofNothing.rejection());
  }

  @Test
  void shouldRejectOversizedRecordsWhenLongerThanOneMebibyte() {
    // Given
    byte[] value = new byte[SampleLimits.DEFAULT_MAX_RECORD_BYTES + 1];
    value[0] = '{';

    // When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(value));

    // Then
    assertEquals(Rejection.parse("oversized record: 1048577 bytes > 1048576"), e.rejection());
  }

  @Test
  void shouldRecordNoStackTraceWhenRejecting() {
    // Given / When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(bytes("{}")));

    // Then
    assertEquals(0, e.getStackTrace().length);
    assertEquals("parse: features missing", e.getMessage());
  }

  @Test
  void shouldRefuseToWriteJsonWhenAValueIsNaN() {
    // Given
    Sample sample = new Sample("m", new float[] {1f, Float.NaN}, TargetKind.NONE, new float[0]);

    // When / Then
    assertThrows(IllegalArgumentException.class, () -> SampleCodec.toJson(sample));
  }

  static Stream<Arguments> badBinary() {
    Sample valid = new Sample("m", new float[] {1f, 2f}, TargetKind.LABEL, new float[] {3f});
    byte[] good = SampleCodec.toBinary(valid);
    return Stream.of(
        Arguments.of("magic only", new byte[] {'K', 'S'}, "truncated binary sample"),
        Arguments.of("cut in the features", prefix(good, 12), "truncated binary sample"),
        Arguments.of("cut in the label", prefix(good, good.length - 1), "truncated binary sample"),
        Arguments.of(
            "trailing bytes",
            concat(good, new byte[] {0, 0}),
            "trailing bytes after the binary sample: 2 bytes"),
        Arguments.of("version 2", with(good, 2, (byte) 2), "unsupported binary sample version 2"),
        Arguments.of("kind 4", with(good, 3, (byte) 4), "unknown binary sample kind 4"),
        Arguments.of(
            "model name longer than the record",
            with(good, 4, (byte) 200),
            "truncated binary sample: model name of 200 bytes"),
        Arguments.of(
            "model name not UTF-8", with(good, 6, (byte) 0xC3), "model name is not valid UTF-8"),
        Arguments.of(
            "negative feature count",
            binary(header(0), b -> b.putInt(-1)),
            "negative features count -1"),
        Arguments.of(
            "feature count beyond the record",
            binary(header(0), b -> b.putInt(1000).putFloat(1f)),
            "truncated binary sample: 1000 features need 4000 bytes"),
        Arguments.of(
            "feature count beyond the limit",
            binary(header(0), b -> b.putInt(Integer.MAX_VALUE).putFloat(1f)),
            "too many features: 2147483647 > 65536"),
        Arguments.of(
            "NaN feature",
            binary(
                header(0), b -> b.putInt(4).putFloat(0f).putFloat(1f).putFloat(2f).putFloat(NAN)),
            "NaN or infinite feature at index 3"),
        Arguments.of(
            "infinite target",
            binary(header(3), b -> b.putInt(1).putFloat(1f).putInt(2).putFloat(1f).putFloat(INF)),
            "NaN or infinite target at index 1"),
        Arguments.of(
            "label beyond 2^24",
            binary(header(1), b -> b.putInt(1).putFloat(1f).putInt(1 << 25)),
            "label 33554432 is too large for a class index"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBinary")
  void shouldRejectAtParseWithAReasonNamingTheProblemWhenBinaryIsBad(
      String what, byte[] value, String reason) {
    // Given: the record in value

    // When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(value));

    // Then
    assertEquals(Rejection.PARSE, e.rejection().stage());
    assertTrue(
        e.rejection().reason().startsWith(reason),
        () -> "expected '" + reason + "...', got '" + e.rejection().reason() + "'");
  }

  @Test
  void shouldWriteNaNButRefuseToReadItWhenTheBinaryFormatCarriesIt() {
    // Given
    Sample sample =
        new Sample("m", new float[] {0f, 1f, 2f, Float.NaN}, TargetKind.NONE, new float[0]);
    byte[] binary = SampleCodec.toBinary(sample);

    // When
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(binary));

    // Then
    assertEquals(Rejection.parse("NaN or infinite feature at index 3"), e.rejection());
  }

  @Test
  void shouldMatchTheCanonicalFloatTextWhenAFloatIsWritten() {
    // Given
    float[] x = {0.1f, 1e-5f, 3.4028235e38f};

    // When
    String text = json(SampleCodec.toJson(new Sample("m", x, TargetKind.NONE, new float[0])));

    // Then
    assertTrue(text.contains("[0.1,1.0E-5,3.4028235E38]"), text);
    assertArrayEquals(x, SampleCodec.parse(bytes(text)).features());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static Consumer<ByteBuffer> header(int kind) {
    return b ->
        b.put((byte) 'K').put((byte) 'S').put((byte) 1).put((byte) kind).putShort((short) 0);
  }

  /** The bytes {@code head} then {@code body} put into a little-endian buffer. */
  private static byte[] binary(Consumer<ByteBuffer> head, Consumer<ByteBuffer> body) {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    head.accept(b);
    body.accept(b);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static byte[] prefix(byte[] bytes, int length) {
    return Arrays.copyOf(bytes, length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] with(byte[] bytes, int index, byte value) {
    byte[] out = bytes.clone();
    out[index] = value;
    return out;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The JSON writer's text is Jackson's for the same sample written value by value ({@code
   * writeNumber(float)}, that is {@link Float#toString(float)}), byte for byte: raw pixels, values
   * scaled to [0, 1], integers past the table and the notation's limit, negatives and -0.0 mixed.
   */
  @Test
  void shouldWriteTheTextJacksonWritesForEveryValue() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    JsonFactory jackson = new JsonFactory();
    for (int r = 0; r < 200; r++) {
      float[] x = new float[1 + random.nextInt(900)];
      for (int i = 0; i < x.length; i++) {
        x[i] =
            switch (random.nextInt(7)) {
              case 0 -> 0f;
              case 1 -> random.nextInt(256);
              case 2 -> random.nextInt(256) / 255f;
              case 3 -> -random.nextInt(20_000_000);
              case 4 -> -0f;
              case 5 -> (float) random.nextGaussian() * 1e8f;
              default -> (float) random.nextGaussian();
            };
      }
      Sample sample = new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {2f});
      StringWriter expected = new StringWriter();
      try (JsonGenerator g = jackson.createGenerator(expected)) {
        g.writeStartObject();
        g.writeArrayFieldStart("features");
        for (float v : x) {
          g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeNumberField("label", 2);
        g.writeEndObject();
      }
      assertEquals(expected.toString(), json(SampleCodec.toJson(sample)));
    }
  }

  private static String json(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
