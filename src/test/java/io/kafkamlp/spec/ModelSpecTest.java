package io.kafkamlp.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults, overrides, the canonical text form and the validation of every key. */
class ModelSpecTest {

  @Test
  void shouldDescribeTheDocumentedNetworkWhenDefaultsAreUsed() {
    // Given / When
    ModelSpec spec = ModelSpec.defaults();

    // Then
    assertEquals(List.of(784, 256, 128, 10), spec.layers());
    assertEquals(784, spec.inputs());
    assertEquals(10, spec.outputs());
    assertEquals("relu", spec.activation());
    assertEquals("softmax", spec.loss());
    assertEquals("adam", spec.optimizer());
    assertEquals(1e-3, spec.learningRate());
    assertEquals("plateau", spec.lrSchedule());
    assertEquals(32, spec.batchSize());
    assertEquals(0.0, spec.dropout());
    assertFalse(spec.batchNorm());
    assertEquals(0.0, spec.l2());
    assertEquals(0.0, spec.l1());
    assertEquals(0.0, spec.maxNorm());
  }

  @Test
  void shouldOverrideOnlyTheGivenKeysWhenBuiltFromProperties() {
    // Given
    Properties properties = new Properties();
    properties.setProperty("layers", "20, 8,3");
    properties.setProperty("activation", "tanh");
    properties.setProperty("loss", "svm");
    properties.setProperty("optimizer", "momentum");
    properties.setProperty("lr", " 0.05 ");
    properties.setProperty("dropout", "0.25");
    properties.setProperty("batch-norm", "true");
    properties.setProperty("batch-size", "7");
    properties.setProperty("seed", "123");

    // When
    ModelSpec spec = ModelSpec.fromProperties(properties);

    // Then
    ModelSpec defaults = ModelSpec.defaults();
    assertEquals(List.of(20, 8, 3), spec.layers());
    assertEquals("tanh", spec.activation());
    assertEquals("svm", spec.loss());
    assertEquals("momentum", spec.optimizer());
    assertEquals(0.05, spec.learningRate());
    assertEquals(0.25, spec.dropout());
    assertTrue(spec.batchNorm());
    assertEquals(7, spec.batchSize());
    assertEquals(123L, spec.seed());
    assertEquals(defaults.momentum(), spec.momentum());
    assertEquals(defaults.lrSchedule(), spec.lrSchedule());
    assertEquals(defaults.leakySlope(), spec.leakySlope());
    assertEquals(defaults.maxoutPieces(), spec.maxoutPieces());
  }

  @Test
  void shouldEqualTheOriginalWhenTextIsParsedBack() {
    // Given
    Properties properties = new Properties();
    properties.setProperty("layers", "5,4,3,2");
    properties.setProperty("activation", "leaky-relu");
    properties.setProperty("leaky-slope", "0.2");
    properties.setProperty("loss", "multilabel");
    properties.setProperty("optimizer", "rmsprop");
    properties.setProperty("lr", "1.0E-4");
    properties.setProperty("lr-schedule", "exponential");
    properties.setProperty("lr-rate", "0.003");
    properties.setProperty("l2", "0.0001");
    properties.setProperty("l1", "1e-6");
    properties.setProperty("max-norm", "3.5");
    properties.setProperty("dropout", "0.1");
    properties.setProperty("batch-norm", "true");
    properties.setProperty("batch-size", "64");
    properties.setProperty("seed", "-9");
    ModelSpec spec = ModelSpec.fromProperties(properties);

    // When
    String text = spec.toText();
    ModelSpec parsed = ModelSpec.fromText(text);

    // Then
    assertEquals(spec, parsed);
    assertEquals(spec.hashCode(), parsed.hashCode());
    assertEquals(text, parsed.toText());
    assertNotEquals(ModelSpec.defaults(), parsed);
  }

  @Test
  void shouldListEveryKeyOncePerLineSortedWhenRenderedAsText() {
    // Given
    ModelSpec spec = ModelSpec.defaults();

    // When
    String[] lines = spec.toText().split("\n");

    // Then
    assertEquals(ModelSpec.DOCS.size(), lines.length);
    for (int i = 1; i < lines.length; i++) {
      String previous = lines[i - 1].substring(0, lines[i - 1].indexOf('='));
      String key = lines[i].substring(0, lines[i].indexOf('='));
      assertTrue(previous.compareTo(key) < 0, previous + " before " + key);
    }
    assertTrue(List.of(lines).contains("layers=784,256,128,10"));
  }

  @Test
  void shouldRejectNamingTheKeyWhenAKeyIsUnknown() {
    // Given
    Properties properties = new Properties();
    properties.setProperty("learning-rate", "0.1");

    // When
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromProperties(properties));

    // Then
    assertTrue(e.getMessage().contains("learning-rate"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "lr;-0.01",
        "lr;0",
        "lr;abc",
        "dropout;1.0",
        "dropout;-0.1",
        "activation;swish",
        "loss;hinge",
        "optimizer;lbfgs",
        "lr-schedule;cosine",
        "layers;784",
        "layers;784,0,10",
        "layers;784,x,10",
        "batch-size;0",
        "batch-size;-3",
        "batch-norm;yes",
        "momentum;1.0",
        "leaky-slope;1.5",
        "maxout-pieces;1",
        "lr-decay;0",
        "lr-step;0",
        "lr-patience;0",
        "l2;-1",
        "l1;-1",
        "max-norm;-1",
        "seed;1.5",
      })
  void shouldRejectNamingTheKeyWhenAValueIsInvalid(String key, String value) {
    // Given
    Properties properties = new Properties();
    properties.setProperty(key, value);

    // When
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromProperties(properties));

    // Then
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"softmax", "svm"})
  void shouldRejectNamingLayersWhenASingleLabelClassifierHasOneOutput(String loss) {
    // Given
    Properties properties = new Properties();
    properties.setProperty("layers", "4,3,1");
    properties.setProperty("loss", loss);

    // When
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromProperties(properties));

    // Then
    assertTrue(e.getMessage().contains("'layers'"), e.getMessage());
  }

  @Test
  void shouldAcceptOneOutputWhenTheLossIsRegression() {
    // Given
    Properties properties = new Properties();
    properties.setProperty("layers", "4,3,1");
    properties.setProperty("loss", "l2");

    // When
    ModelSpec spec = ModelSpec.fromProperties(properties);

    // Then
    assertEquals(1, spec.outputs());
  }

  @Test
  void shouldRejectWhenTextHasAnUnknownKey() {
    // Given
    String text = ModelSpec.defaults().toText() + "colour=blue\n";

    // When
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromText(text));

    // Then
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
  }

  @Test
  void shouldKeepTheOriginalUnchangedWhenOneKeyIsOverridden() {
    // Given
    ModelSpec original = ModelSpec.defaults();

    // When
    ModelSpec changed = original.withDropout(0.5).withBatchSize(8).withSeed(7);

    // Then
    assertEquals(0.0, original.dropout());
    assertEquals(32, original.batchSize());
    assertEquals(0.5, changed.dropout());
    assertEquals(8, changed.batchSize());
    assertEquals(7L, changed.seed());
  }

  @Test
  void shouldBeImmutableWhenTheLayersListIsModified() {
    // Given
    ModelSpec spec = ModelSpec.defaults();

    // When / Then
    assertThrows(UnsupportedOperationException.class, () -> spec.layers().set(0, 1));
  }
}
