package io.kafkamlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Headers, label columns, target kinds, and the line numbers of bad rows. */
class CsvReaderTest {

  @TempDir Path dir;

  private static List<Sample> read(String text, CsvOptions options) throws IOException {
    return CsvReader.read(new StringReader(text), "test.csv", options);
  }

  private static Sample labeled(float label, float... features) {
    return new Sample(Sample.DEFAULT_MODEL, features, TargetKind.LABEL, new float[] {label});
  }

  @Test
  void shouldSkipAnAutoDetectedHeaderAndTakeTheLastColumnAsLabel() throws IOException {
    // Given
    String text = "sepal,petal,class\n5.1,1.4,0\n-6.2,4.5e-1,2\n";

    // When
    List<Sample> samples = read(text, CsvOptions.defaults());

    // Then
    assertEquals(List.of(labeled(0, 5.1f, 1.4f), labeled(2, -6.2f, 0.45f)), samples);
  }

  @Test
  void shouldReadTheFirstLineAsDataWhenItIsNumeric() throws IOException {
    // When
    List<Sample> samples = read("1,2,3\n4,5,6\n", CsvOptions.defaults());

    // Then
    assertEquals(List.of(labeled(3, 1f, 2f), labeled(6, 4f, 5f)), samples);
  }

  @Test
  void shouldSkipANumericFirstLineWhenTheHeaderIsDeclaredPresent() throws IOException {
    // When
    List<Sample> samples =
        read("1,2,3\n4,5,6\n", CsvOptions.defaults().withHeader(CsvOptions.Header.PRESENT));

    // Then
    assertEquals(List.of(labeled(6, 4f, 5f)), samples);
  }

  @Test
  void shouldRejectATextFirstLineWhenTheHeaderIsDeclaredAbsent() {
    // When
    CsvFormatException e =
        assertThrows(
            CsvFormatException.class,
            () ->
                read("a,b,c\n4,5,6\n", CsvOptions.defaults().withHeader(CsvOptions.Header.ABSENT)));

    // Then
    assertEquals(1, e.line());
    assertEquals(
        "test.csv line 1, column 1 (index 0): 'a' is not a finite decimal number", e.getMessage());
  }

  @Test
  void shouldTakeAnyColumnAsLabelAndTheOthersInOrderAsFeatures() throws IOException {
    // When
    List<Sample> samples =
        read("7,1,2\n", CsvOptions.defaults().withLabelColumn(0).withModel("iris"));

    // Then
    assertEquals(
        List.of(new Sample("iris", new float[] {1f, 2f}, TargetKind.LABEL, new float[] {7f})),
        samples);
  }

  @Test
  void shouldMakeUnlabeledSamplesOfEveryColumnWhenThereIsNoLabel() throws IOException {
    // When
    List<Sample> samples = read("x,y\n1,2\n", CsvOptions.defaults().unlabeled());

    // Then
    Sample sample = samples.get(0);
    assertEquals(TargetKind.NONE, sample.kind());
    assertArrayEquals(new float[] {1f, 2f}, sample.features());
    assertEquals(0, sample.targets().length);
    assertFalse(sample.labeled());
  }

  @Test
  void shouldReadARealTargetWhenRegression() throws IOException {
    // When
    List<Sample> samples =
        read("1,2,-0.25\n", CsvOptions.defaults().withTargetKind(TargetKind.TARGETS));

    // Then
    assertEquals(TargetKind.TARGETS, samples.get(0).kind());
    assertArrayEquals(new float[] {-0.25f}, samples.get(0).targets());
  }

  @Test
  void shouldToleratePaddingQuotesBlankLinesCrLfAByteOrderMarkAndOtherDelimiters()
      throws IOException {
    // Given
    String text = "\uFEFF\"a\"; \"b\" ;label\r\n\r\n \"1.5\" ; 2 ; 1.0 \r\n\n3;4;0";

    // When
    List<Sample> samples = read(text, CsvOptions.defaults().withDelimiter(';'));

    // Then
    assertEquals(List.of(labeled(1, 1.5f, 2f), labeled(0, 3f, 4f)), samples);
  }

  @Test
  void shouldReadAFileAndNameItInErrors() throws IOException {
    // Given
    Path good =
        Files.writeString(dir.resolve("good.csv"), "f,label\n0.5,1\n", StandardCharsets.UTF_8);
    Path bad =
        Files.writeString(dir.resolve("bad.csv"), "f,label\n0.5,1\n0.5\n", StandardCharsets.UTF_8);

    // When
    List<Sample> samples = CsvReader.read(good, CsvOptions.defaults());
    CsvFormatException e =
        assertThrows(CsvFormatException.class, () -> CsvReader.read(bad, CsvOptions.defaults()));

    // Then
    assertEquals(List.of(labeled(1, 0.5f)), samples);
    assertEquals(bad + " line 3: has 1 columns, expected 2 as the first line", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "not a number    | 1,2,3;4,x,6           | 2 | line 2, column 2 (index 1): 'x' is not a"
            + " finite decimal number",
        "NaN             | 1,2,3;NaN,5,6         | 2 | line 2, column 1 (index 0): 'NaN' is not a"
            + " finite decimal number",
        "Infinity        | 1,2,3;4,-Infinity,6   | 2 | line 2, column 2 (index 1): '-Infinity' is"
            + " not a finite",
        "float suffix    | 1,2,3;4,5f,6          | 2 | line 2, column 2 (index 1): '5f' is not a"
            + " finite",
        "hexadecimal     | 1,2,3;0x1p3,5,6       | 2 | line 2, column 1 (index 0): '0x1p3' is not a"
            + " finite",
        "float overflow  | 1,2,3;4,1e39,6        | 2 | line 2, column 2 (index 1): '1e39' overflows"
            + " a float",
        "empty value     | 1,2,3;4,,6            | 2 | line 2, column 2 (index 1): empty value",
        "fraction label  | h,h,h;1,2,3;4,5,2.5   | 3 | line 3, column 3 (index 2): label '2.5' is"
            + " not a whole number",
        "negative label  | 1,2,3;4,5,-1          | 2 | line 2, column 3 (index 2): label '-1' is"
            + " not a whole number",
        "huge label      | 1,2,3;4,5,16777217    | 2 | line 2, column 3 (index 2): label '16777217'"
            + " is not a whole",
        "too few columns | 1,2,3;;4,5            | 3 | line 3: has 2 columns, expected 3 as the"
            + " first line",
        "too many        | a,b,c;1,2,3;1,2,3,4   | 3 | line 3: has 4 columns, expected 3 as the"
            + " first line",
        "exponent only   | 1,2,3;4,5e,6          | 2 | line 2, column 2 (index 1): '5e' is not a"
            + " finite",
        "sign only       | 1,2,3;4,-,6           | 2 | line 2, column 2 (index 1): '-' is not a"
            + " finite",
      })
  void shouldNameTheLineAndColumnOfABadRow(String why, String lines, long line, String message) {
    // Given: ';' stands for a line break
    String text = lines.replace(';', '\n') + "\n";

    // When
    CsvFormatException e =
        assertThrows(CsvFormatException.class, () -> read(text, CsvOptions.defaults()));

    // Then
    assertEquals(line, e.line());
    assertTrue(e.getMessage().startsWith("test.csv " + message), e.getMessage());
  }

  @Test
  void shouldRejectALabelColumnBeyondTheLastOrALineWithoutFeatures() {
    CsvFormatException beyond =
        assertThrows(
            CsvFormatException.class,
            () -> read("1,2\n", CsvOptions.defaults().withLabelColumn(2)));
    assertEquals(
        "test.csv line 1: label column index 2, but there are 2 columns", beyond.getMessage());

    CsvFormatException alone =
        assertThrows(CsvFormatException.class, () -> read("label\n1\n", CsvOptions.defaults()));
    assertEquals("test.csv line 1: no feature column in 1 columns", alone.getMessage());
  }

  @Test
  void shouldReturnNothingForAnEmptyInputOrAHeaderAlone() throws IOException {
    assertEquals(List.of(), read("", CsvOptions.defaults()));
    assertEquals(List.of(), read("\n\n", CsvOptions.defaults()));
    assertEquals(List.of(), read("a,b\n", CsvOptions.defaults()));
  }

  @Test
  void shouldRejectInvalidOptions() {
    CsvOptions defaults = CsvOptions.defaults();
    assertThrows(IllegalArgumentException.class, () -> defaults.withModel(""));
    assertThrows(IllegalArgumentException.class, () -> defaults.withLabelColumn(-3));
    assertThrows(IllegalArgumentException.class, () -> defaults.withTargetKind(TargetKind.NONE));
    assertThrows(IllegalArgumentException.class, () -> defaults.withTargetKind(TargetKind.LABELS));
    assertThrows(IllegalArgumentException.class, () -> defaults.withDelimiter('.'));
    assertThrows(IllegalArgumentException.class, () -> defaults.withDelimiter('"'));
  }

  @Test
  void shouldRecognizeDecimalNumbersOnly() {
    for (String s : new String[] {"0", "-1", "+2", "3.", ".5", "1e5", "1E-5", "-2.5e+3"}) {
      assertTrue(CsvReader.isNumber(s), s);
    }
    for (String s : new String[] {"", ".", "e5", "1e", "1e+", "--1", "1.2.3", "NaN", "1d", " 1"}) {
      assertFalse(CsvReader.isNumber(s), s);
    }
  }
}
