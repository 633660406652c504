package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record size and feature count limits, enforced before parsing and allocating. */
class SampleLimitsTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Rejection rejection(byte[] value, SampleLimits limits) {
    return assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(value, limits))
        .rejection();
  }

  /** A binary header of kind NONE that claims {@code count} features and holds {@code held}. */
  private static byte[] binaryClaiming(int count, int held) {
    ByteBuffer b = ByteBuffer.allocate(10 + 4 * held).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'K').put((byte) 'S').put((byte) 1).put((byte) 0).putShort((short) 0);
    b.putInt(count);
    for (int i = 0; i < held; i++) {
      b.putFloat(i);
    }
    return b.array();
  }

  /** {@code {"features":[0,0,...]}} with {@code n} features. */
  private static byte[] jsonFeatures(int n) {
    StringBuilder json = new StringBuilder(16 + 2 * n).append("{\"features\":[");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "0" : ",0");
    }
    return bytes(json.append("]}").toString());
  }

  @Test
  void shouldRefuseUnparsedWhenRecordIsOverConfiguredLength() {
    // Given: 101 bytes that are not a sample at all
    byte[] value = new byte[101];
    value[0] = '{';

    // When
    Rejection r = rejection(value, new SampleLimits(100, 10));

    // Then: the length is the reason, not the content
    assertEquals(Rejection.parse("oversized record: 101 bytes > 100"), r);
  }

  @Test
  void shouldAcceptRecordWhenExactlyAtTheLimits() {
    // Given
    byte[] value = bytes("{\"features\":[1,2,3],\"label\":1}");

    // When
    Sample s = SampleCodec.parse(value, new SampleLimits(value.length, 3));

    // Then
    assertArrayEquals(new float[] {1, 2, 3}, s.features());
  }

  @Test
  void shouldRefuseFromTheBinaryHeaderWhenItClaimsTooManyFeatures() {
    // Given: a header claiming a million features, of which the record holds two
    byte[] value = binaryClaiming(1_000_000, 2);

    // When
    Rejection r = rejection(value, new SampleLimits(1 << 20, 10));

    // Then: refused on the count, before the array (which would be "truncated") is read
    assertEquals(Rejection.parse("too many features: 1000000 > 10"), r);
  }

  @Test
  void shouldStopJsonAtTheFirstFeatureOverTheLimit() {
    // Given: 11 features, then bytes that are not JSON
    byte[] value = bytes("{\"features\":[1,2,3,4,5,6,7,8,9,10,11,@@@");

    // When
    Rejection r = rejection(value, new SampleLimits(1 << 20, 10));

    // Then: the parser stopped at element 11, before reaching the garbage
    assertEquals(Rejection.parse("too many features: more than 10"), r);
  }

  @Test
  void shouldLimitLabelsAndTargetsLikeFeatures() {
    SampleLimits limits = new SampleLimits(1 << 20, 3);

    assertEquals(
        Rejection.parse("too many labels: more than 3"),
        rejection(bytes("{\"features\":[1],\"labels\":[0,1,2,3]}"), limits));
    assertEquals(
        Rejection.parse("too many targets: more than 3"),
        rejection(bytes("{\"features\":[1],\"targets\":[0,1,2,3]}"), limits));
    Sample fourTargets = new Sample("m", new float[] {1}, TargetKind.TARGETS, new float[4]);
    assertEquals(
        Rejection.parse("too many targets: 4 > 3"),
        rejection(SampleCodec.toBinary(fourTargets), limits));
  }

  @Test
  void shouldAllocateLittleWhenAHugeJsonArrayIsOverTheFeatureLimit() {
    // Given: 5 million features (10 MB), a limit of 1000 features but none on the length
    byte[] value = jsonFeatures(5_000_000);
    SampleLimits limits = new SampleLimits(Integer.MAX_VALUE, 1000);
    rejection(value, limits); // warm up: class loading, the per-thread scratch buffer

    // When
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Rejection r = rejection(value, limits);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    // Then: no array for the 5 million (20 MB as floats): the parser's buffers only
    assertEquals(Rejection.parse("too many features: more than 1000"), r);
    assertTrue(allocated < 256 * 1024, "allocated " + allocated + " bytes");
  }

  @Test
  void shouldParseWithinTheDefaultsWhenNoLimitsAreGiven() {
    // Given
    byte[] atLimit = jsonFeatures(SampleLimits.DEFAULT_MAX_FEATURES);
    byte[] overLimit = jsonFeatures(SampleLimits.DEFAULT_MAX_FEATURES + 1);

    // When / Then
    assertEquals(SampleLimits.DEFAULT_MAX_FEATURES, SampleCodec.parse(atLimit).features().length);
    RejectedSampleException e =
        assertThrows(RejectedSampleException.class, () -> SampleCodec.parse(overLimit));
    assertEquals(Rejection.parse("too many features: more than 65536"), e.rejection());
  }

  @Test
  void shouldRefuseConfiguredLimitsOutsideSensibleBounds() {
    assertEquals(new SampleLimits(16, 1), SampleLimits.configured(16, 1));
    assertEquals(
        "max-record-bytes must be in [16, 1073741824], got 15",
        assertThrows(IllegalArgumentException.class, () -> SampleLimits.configured(15, 10))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> SampleLimits.configured((1 << 30) + 1, 1));
    assertEquals(
        "max-features must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> SampleLimits.configured(1024, 0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SampleLimits(0, 1));
  }
}
