package io.kafkamlp.sample;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes the JSON values of the {@code predictions} topic.
 *
 * <p>A prediction, fields in this order:
 *
 * <pre>{@code
 * {"id":"sample-17","model":"default","modelVersion":1234,"predicted":3,"probabilities":[...]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code id}: the record key as a string when it is valid UTF-8; otherwise its standard
 *       base64 (RFC 4648, padded) and a field {@code "idEncoding":"base64"} right after it; JSON
 *       {@code null} for a null key.
 *   <li>{@code model}, {@code modelVersion}: the model and the snapshot version that scored it.
 *   <li>by loss, from the loss's output row ({@code io.kafkamlp.nn.loss.Loss#output}):
 *       <ul>
 *         <li>softmax: {@code "predicted"}: the argmax class, {@code "probabilities"}: the row;
 *         <li>svm: {@code "predicted"}: the argmax class, {@code "scores"}: the row;
 *         <li>multilabel: {@code "predicted"}: the labels with probability &gt;= 0.5, ascending
 *             (maybe {@code []}), {@code "probabilities"}: the row;
 *         <li>l2, l1: {@code "values"}: the row.
 *       </ul>
 * </ul>
 *
 * <p>Floats are written with {@link Float#toString(float)} (they parse back to the same float). A
 * NaN or infinite output value, which JSON cannot hold, is written as {@code null}; the argmax
 * skips NaN (first maximum on a tie, as {@code Loss.argmax}) and is {@code null} when every value
 * is NaN. Thread-safe.
 */
public final class PredictionCodec {

  /** The {@code status} of {@link #noModelYet}. */
  public static final String NO_MODEL_YET = "no-model-yet";

  private static final JsonFactory JSON = new JsonFactory();

  private PredictionCodec() {}

  /**
   * A prediction (see the class comment).
   *
   * @param key the record key, any bytes; may be null
   * @param model the model name
   * @param modelVersion the version of the snapshot that made the output
   * @param loss the model's loss: softmax, svm, multilabel, l2 or l1
   * @param output the loss's output row for the sample (one value per network output); not modified
   * @throws IllegalArgumentException for an unknown loss
   */
  public static byte[] prediction(
      byte[] key, String model, long modelVersion, String loss, float[] output) {
    ByteArrayBuilder out = new ByteArrayBuilder(64 + 16 * output.length);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      writeId(g, key);
      g.writeStringField("model", model);
      g.writeNumberField("modelVersion", modelVersion);
      switch (loss) {
        case "softmax":
          writeArgmax(g, output);
          writeFloats(g, "probabilities", output);
          break;
        case "svm":
          writeArgmax(g, output);
          writeFloats(g, "scores", output);
          break;
        case "multilabel":
          g.writeFieldName("predicted");
          g.writeStartArray();
          for (int j = 0; j < output.length; j++) {
            if (output[j] >= 0.5f) {
              g.writeNumber(j);
            }
          }
          g.writeEndArray();
          writeFloats(g, "probabilities", output);
          break;
        case "l2":
        case "l1":
          writeFloats(g, "values", output);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown loss '" + loss + "', expected softmax|svm|multilabel|l2|l1");
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the output is in memory
    }
    return out.toByteArray();
  }

  /**
   * The answer to a prediction request for a model that has no snapshot yet: {@code
   * {"id":...,"model":"m","status":"no-model-yet"}}, {@code id} as in {@link #prediction}.
   */
  public static byte[] noModelYet(byte[] key, String model) {
    ByteArrayBuilder out = new ByteArrayBuilder(64);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      writeId(g, key);
      g.writeStringField("model", model);
      g.writeStringField("status", NO_MODEL_YET);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeId(JsonGenerator g, byte[] key) throws IOException {
    if (key == null) {
      g.writeNullField("id");
      return;
    }
    String text = utf8(key);
    if (text != null) {
      g.writeStringField("id", text);
    } else {
      g.writeStringField("id", Base64.getEncoder().encodeToString(key));
      g.writeStringField("idEncoding", "base64");
    }
  }

  /** {@code bytes} decoded as strict UTF-8, or null when they are not valid UTF-8. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void writeArgmax(JsonGenerator g, float[] output) throws IOException {
    int best = -1;
    for (int j = 0; j < output.length; j++) {
      if (!Float.isNaN(output[j]) && (best < 0 || output[j] > output[best])) {
        best = j;
      }
    }
    if (best < 0) {
      g.writeNullField("predicted");
    } else {
      g.writeNumberField("predicted", best);
    }
  }

  private static void writeFloats(JsonGenerator g, String field, float[] values)
      throws IOException {
    g.writeFieldName(field);
    g.writeStartArray();
    for (float value : values) {
      if (Float.isFinite(value)) {
        g.writeNumber(value);
      } else {
        g.writeNull();
      }
    }
    g.writeEndArray();
  }
}
