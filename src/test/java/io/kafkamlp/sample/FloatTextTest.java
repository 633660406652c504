package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FloatText} against {@link Float#toString(float)}, text for text. */
class FloatTextTest {

  @Test
  void shouldWriteFloatToStringsTextForEveryIntegralValueItCovers() {
    char[] text = new char[FloatText.MAX_CHARS];
    for (int n = -200_000; n <= 200_000; n++) {
      assertText((float) n, text, 0);
    }
    for (int n = 200_000; n < 10_000_000; n += 997) {
      assertText((float) n, text, 0);
      assertText((float) -n, text, 0);
    }
    for (float edge : new float[] {9_999_999f, -9_999_999f, 999f, 1000f, -999f, -1000f}) {
      assertText(edge, text, 0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      floats = {
        0.5f,
        -0.5f,
        37.25f,
        1e-7f,
        9_999_999.5f,
        1e7f,
        -1e7f,
        16_777_216f,
        3e38f,
        Float.MIN_VALUE,
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        -0f
      })
  void shouldLeaveEveryOtherFloatToFloatToString(float value) {
    assertEquals(-1, FloatText.integral(value, new char[FloatText.MAX_CHARS], 0));
  }

  /** At any offset, after text already there, which stays as it was. */
  @Test
  void shouldWriteFromTheOffsetGivenAndLeaveWhatIsBeforeIt() {
    SplittableRandom random = new SplittableRandom(11);
    char[] text = new char[64];
    for (int i = 0; i < 10_000; i++) {
      Arrays.fill(text, '#');
      int from = random.nextInt(0, 64 - FloatText.MAX_CHARS);
      float value = random.nextInt(-10_000_000 + 1, 10_000_000);
      assertText(value, text, from);
      for (int k = 0; k < from; k++) {
        assertEquals('#', text[k], "before " + from);
      }
    }
  }

  private static void assertText(float value, char[] text, int from) {
    int length = FloatText.integral(value, text, from);
    String expected = Float.toString(value);
    assertEquals(expected, length < 0 ? "-1" : new String(text, from, length), "for " + expected);
  }
}
