package io.kafkamlp.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prediction JSON per loss, read back with an ObjectMapper. */
class PredictionCodecTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] KEY = "sample-17".getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldReportTheArgmaxAndTheProbabilitiesWhenTheLossIsSoftmax() throws IOException {
    // Given
    float[] output = {0.125f, 0.5f, 0.25f, 0.125f};

    // When
    JsonNode json = read(PredictionCodec.prediction(KEY, "default", 1234L, "softmax", output));

    // Then
    assertEquals("sample-17", json.get("id").asText());
    assertFalse(json.has("idEncoding"));
    assertEquals("default", json.get("model").asText());
    assertEquals(1234L, json.get("modelVersion").asLong());
    assertEquals(1, json.get("predicted").asInt());
    assertArrayEquals(output, floats(json.get("probabilities")));
    assertEquals(
        List.of("id", "model", "modelVersion", "predicted", "probabilities"), fieldNames(json));
  }

  @Test
  void shouldReportTheArgmaxAndTheScoresWhenTheLossIsSvm() throws IOException {
    // Given
    float[] output = {-1.5f, 2f, 3.25f, 3.25f};

    // When
    JsonNode json = read(PredictionCodec.prediction(KEY, "m", 7L, "svm", output));

    // Then
    assertEquals(2, json.get("predicted").asInt()); // first maximum on a tie
    assertArrayEquals(output, floats(json.get("scores")));
    assertEquals(List.of("id", "model", "modelVersion", "predicted", "scores"), fieldNames(json));
  }

  @Test
  void shouldReportTheLabelsAtOrAboveOneHalfWhenTheLossIsMultilabel() throws IOException {
    // Given
    float[] output = {0.875f, 0.25f, 0.5f, 0.49f};

    // When
    JsonNode json = read(PredictionCodec.prediction(KEY, "tags", 3L, "multilabel", output));

    // Then
    assertEquals(List.of(0, 2), ints(json.get("predicted")));
    assertArrayEquals(output, floats(json.get("probabilities")));
    assertEquals("tags", json.get("model").asText());
  }

  @Test
  void shouldReportAnEmptyListWhenNoLabelReachesOneHalf() throws IOException {
    // Given
    float[] output = {0.25f, 0.125f};

    // When
    JsonNode json = read(PredictionCodec.prediction(KEY, "tags", 3L, "multilabel", output));

    // Then
    assertTrue(json.get("predicted").isArray());
    assertEquals(0, json.get("predicted").size());
  }

  @Test
  void shouldReportTheValuesWhenTheLossIsRegression() throws IOException {
    // Given
    float[] output = {1.5f, -2.75f};

    // When
    JsonNode l2 = read(PredictionCodec.prediction(KEY, "price", 9L, "l2", output));
    JsonNode l1 = read(PredictionCodec.prediction(KEY, "price", 9L, "l1", output));

    // Then
    assertArrayEquals(output, floats(l2.get("values")));
    assertArrayEquals(output, floats(l1.get("values")));
    assertEquals(List.of("id", "model", "modelVersion", "values"), fieldNames(l2));
  }

  @Test
  void shouldWriteTheKeyInBase64AndSaySoWhenTheKeyIsNotUtf8() throws IOException {
    // Given: 0xC3 starts a two-byte sequence that 0x28 does not continue
    byte[] key = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF};

    // When
    JsonNode json = read(PredictionCodec.prediction(key, "m", 1L, "softmax", new float[] {1f}));

    // Then
    assertEquals("base64", json.get("idEncoding").asText());
    assertArrayEquals(key, Base64.getDecoder().decode(json.get("id").asText()));
    assertEquals(
        List.of("id", "idEncoding", "model", "modelVersion"), fieldNames(json).subList(0, 4));
  }

  @Test
  void shouldKeepTheKeyAsTextWhenItIsMultiByteUtf8() throws IOException {
    // Given
    byte[] key = "m\u00e9t\u00e9o-\u2603".getBytes(StandardCharsets.UTF_8);

    // When
    JsonNode json = read(PredictionCodec.noModelYet(key, "weather"));

    // Then
    assertEquals("m\u00e9t\u00e9o-\u2603", json.get("id").asText());
    assertFalse(json.has("idEncoding"));
  }

  @Test
  void shouldSayNoModelYetWhenTheModelHasNoSnapshot() throws IOException {
    // Given / When
    JsonNode json = read(PredictionCodec.noModelYet(KEY, "fraud"));

    // Then
    assertEquals("sample-17", json.get("id").asText());
    assertEquals("fraud", json.get("model").asText());
    assertEquals("no-model-yet", json.get("status").asText());
    assertEquals(List.of("id", "model", "status"), fieldNames(json));
  }

  @Test
  void shouldWriteNullIdWhenTheKeyIsNull() throws IOException {
    // Given / When
    JsonNode json = read(PredictionCodec.prediction(null, "m", 1L, "l2", new float[] {1f}));

    // Then
    assertTrue(json.get("id").isNull());
  }

  @Test
  void shouldWriteNullForNonFiniteValuesAndSkipNaNInTheArgmaxWhenTheOutputDiverged()
      throws IOException {
    // Given
    float[] output = {Float.NaN, 0.25f, Float.POSITIVE_INFINITY};
    float[] allNaN = {Float.NaN, Float.NaN};

    // When
    JsonNode json = read(PredictionCodec.prediction(KEY, "m", 1L, "svm", output));
    JsonNode none = read(PredictionCodec.prediction(KEY, "m", 1L, "softmax", allNaN));

    // Then
    assertEquals(2, json.get("predicted").asInt());
    assertTrue(json.get("scores").get(0).isNull());
    assertEquals(0.25, json.get("scores").get(1).asDouble());
    assertTrue(json.get("scores").get(2).isNull());
    assertTrue(none.get("predicted").isNull());
  }

  @Test
  void shouldRefuseWhenTheLossIsUnknown() {
    // Given
    float[] output = {1f};

    // When / Then
    assertThrows(
        IllegalArgumentException.class,
        () -> PredictionCodec.prediction(KEY, "m", 1L, "hinge", output));
  }

  private static JsonNode read(byte[] json) throws IOException {
    return MAPPER.readTree(json);
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asInt()));
    return values;
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
