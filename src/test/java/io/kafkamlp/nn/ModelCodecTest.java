package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The bytes of {@link ModelCodec}: the format its Javadoc documents, element by element, whichever
 * way they are written (one array, or streamed block by block).
 */
class ModelCodecTest {

  /** A hidden layer of 200 x 100 weights: more elements than one streamed block holds. */
  private static final String LAYERS = "2,200,100,3";

  @Test
  void shouldWriteTheDocumentedFormatWithAndWithoutTheTrainingState() throws IOException {
    Model fresh = Models.create(ModelTrainingTest.spec(LAYERS, "adam", 0.01, 1e-4));
    Model trained = trained(150);
    assertTrue(trained.lastGoodStep() >= 0, "no last good state to encode");

    for (Model model : List.of(fresh, trained)) {
      assertArrayEquals(documented(model, true), ModelCodec.encode(model));
      assertArrayEquals(documented(model, false), ModelCodec.encodeForInference(model));
    }
  }

  @Test
  void shouldStreamTheLengthAndTheBytesOfEncode() throws IOException {
    for (Model model :
        List.of(Models.create(ModelTrainingTest.spec("2,3", "sgd", 0.1, 0)), trained(150))) {
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      ModelCodec.encodeWithLength(model, streamed);

      byte[] encoded = ModelCodec.encode(model);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      new DataOutputStream(expected).writeInt(encoded.length);
      expected.writeBytes(encoded);
      assertArrayEquals(expected.toByteArray(), streamed.toByteArray());
    }
  }

  private static Model trained(int steps) {
    Model model = Models.create(ModelTrainingTest.spec(LAYERS, "adam", 0.01, 1e-4));
    ModelTrainingTest.train(model, new Spiral(3, 100, 8), steps);
    return model;
  }

  /** The format as {@link ModelCodec}'s Javadoc states it, written field by field. */
  private static byte[] documented(Model model, boolean withTrainingState) throws IOException {
    long goodStep = withTrainingState ? model.lastGoodStep() : -1;
    List<FMatrixRMaj> tensors = new ArrayList<>(model.tensors(withTrainingState));
    if (goodStep >= 0) {
      tensors.addAll(model.lastGood().copies());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0x4B4D4C50);
    out.writeShort(2);
    out.writeByte(4);
    out.writeByte(withTrainingState ? 1 : 0);
    out.writeUTF(model.spec().toText());
    out.writeLong(model.step());
    out.writeLong(model.skippedSteps());
    out.writeLong(model.rng().state());
    double[] schedule = model.schedule().state();
    out.writeInt(schedule.length);
    for (double v : schedule) {
      out.writeDouble(v);
    }
    out.writeDouble(model.learningRateScale());
    out.writeDouble(model.firstLoss());
    out.writeLong(model.rollbacks());
    out.writeInt(model.divergingInARow());
    out.writeLong(goodStep);
    for (FMatrixRMaj tensor : tensors) {
      out.writeInt(tensor.getNumElements());
      for (int i = 0; i < tensor.getNumElements(); i++) {
        out.writeFloat(tensor.data[i]);
      }
    }
    return bytes.toByteArray();
  }
}
