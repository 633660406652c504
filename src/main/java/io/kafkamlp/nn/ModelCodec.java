package io.kafkamlp.nn;

import io.kafkamlp.spec.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * The full state of a {@link Model} as bytes, and back, bit for bit: after {@code
 * decode(encode(m))} further training gives exactly the bits {@code m} would give.
 *
 * <p>Format version 2, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * int    magic 0x4B4D4C50 ("KMLP")
 * short  format version (2)
 * byte   bytes per element (4: float)
 * byte   flags: bit 0 set when the training state is included
 * UTF    the spec, as ModelSpec.toText()
 * long   step, long skipped steps, long rng state
 * int n, n doubles     schedule state
 * double learning-rate scale, double first loss, long rollbacks, int diverging batches in a row
 * long   step of the last good state, -1 when none (always -1 without training state)
 * then for each tensor, in order -- parameters (Mlp.parameters()), optimizer state buffers
 * (parameter by parameter; only when flag bit 0 is set), layer buffers (Mlp.buffers()):
 * int n, n elements
 * then, when the last good step is not -1, the same tensors as they were at that step.
 * </pre>
 *
 * <p>Version 1, without the recovery fields and the last good state, is still read.
 *
 * <p>{@link #encodeForInference} leaves the training state (optimizer state, last good state) out:
 * what serving needs. A model decoded from it predicts exactly as the original, and would train on
 * from a fresh optimizer state.
 *
 * <p>Elements are written as {@code writeFloat} writes them, which keeps every bit of every non-NaN
 * value; a model never holds NaN, since non-finite steps are not applied.
 */
public final class ModelCodec {

  /** "KMLP". */
  public static final int MAGIC = 0x4B4D4C50;

  public static final short VERSION = 2;

  private static final short VERSION_WITHOUT_RECOVERY = 1;

  private static final int WITH_TRAINING_STATE = 1;

  private ModelCodec() {}

  /** The full state, for checkpoints. */
  public static byte[] encode(Model model) {
    return Encoding.of(model, true).toArray();
  }

  /** Everything but the optimizer state, for serving. */
  public static byte[] encodeForInference(Model model) {
    return Encoding.of(model, false).toArray();
  }

  /**
   * Writes the length of {@link #encode}{@code (model)} (an int, as {@code DataOutput} writes it)
   * and then its bytes, without building them in one array first: a checkpoint writes them straight
   * into its chunks. The model is encoded once for both.
   *
   * @param out receives the bytes; not closed
   * @throws IOException when {@code out} does
   */
  public static void encodeWithLength(Model model, OutputStream out) throws IOException {
    Encoding encoding = Encoding.of(model, true);
    out.write(ByteBuffer.allocate(Integer.BYTES).putInt(encoding.size()).array()); // big-endian
    encoding.writeTo(out);
  }

  /**
   * One encoding of a model, taken at once: the header's bytes and the tensors it is followed by.
   * The tensors are the model's own arrays, so write it before the model changes.
   */
  private record Encoding(byte[] header, List<FMatrixRMaj> tensors) {

    /** Elements converted per write by {@link #writeTo}. */
    private static final int BLOCK_ELEMENTS = 16 * 1024;

    static Encoding of(Model model, boolean withTrainingState) {
      List<FMatrixRMaj> tensors = model.tensors(withTrainingState);
      long goodStep = withTrainingState ? model.lastGood().step() : -1;
      if (goodStep >= 0) {
        tensors = new ArrayList<>(tensors);
        tensors.addAll(model.lastGood().copies());
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte(Float.BYTES);
        out.writeByte(withTrainingState ? WITH_TRAINING_STATE : 0);
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
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
      }
      return new Encoding(bytes.toByteArray(), tensors);
    }

    int size() {
      long size = header.length;
      for (FMatrixRMaj tensor : tensors) {
        size += Integer.BYTES + (long) Float.BYTES * tensor.getNumElements();
      }
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("a model of " + size + " bytes is too big to encode");
      }
      return (int) size;
    }

    /** The encoding in one array of exactly {@link #size} bytes, written once. */
    byte[] toArray() {
      byte[] bytes = new byte[size()];
      ByteBuffer buffer = ByteBuffer.wrap(bytes); // big-endian, as DataOutput
      buffer.put(header);
      for (FMatrixRMaj tensor : tensors) {
        int n = tensor.getNumElements();
        buffer.putInt(n);
        buffer.asFloatBuffer().put(tensor.data, 0, n);
        buffer.position(buffer.position() + n * Float.BYTES);
      }
      return bytes;
    }

    /** Writes the encoding through a block of {@link #BLOCK_ELEMENTS} elements. */
    void writeTo(OutputStream out) throws IOException {
      out.write(header);
      ByteBuffer block = ByteBuffer.allocate(Float.BYTES * BLOCK_ELEMENTS); // big-endian
      for (FMatrixRMaj tensor : tensors) {
        int n = tensor.getNumElements();
        block.clear();
        block.putInt(n);
        out.write(block.array(), 0, Integer.BYTES);
        for (int from = 0; from < n; from += BLOCK_ELEMENTS) {
          int count = Math.min(BLOCK_ELEMENTS, n - from);
          block.clear();
          block.asFloatBuffer().put(tensor.data, from, count);
          out.write(block.array(), 0, count * Float.BYTES);
        }
      }
    }
  }

  /**
   * Rebuilds a model from {@link #encode} output.
   *
   * @throws IllegalArgumentException when the bytes are not a model of a known version
   */
  public static Model decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a kafka-mlp model (bad magic)");
      }
      short version = in.readShort();
      if (version != VERSION && version != VERSION_WITHOUT_RECOVERY) {
        throw new IllegalArgumentException("unsupported model format version " + version);
      }
      int elementBytes = in.readByte();
      if (elementBytes != Float.BYTES) {
        throw new IllegalArgumentException(
            "model holds " + elementBytes + "-byte elements, expected " + Float.BYTES);
      }
      boolean withTrainingState = (in.readByte() & WITH_TRAINING_STATE) != 0;
      Model model = Models.forDecoding(ModelSpec.fromText(in.readUTF()));
      long step = in.readLong();
      long skipped = in.readLong();
      model.restoreCounters(step, skipped);
      model.rng().setState(in.readLong());
      double[] schedule = new double[in.readInt()];
      for (int i = 0; i < schedule.length; i++) {
        schedule[i] = in.readDouble();
      }
      model.schedule().restore(schedule);
      List<FMatrixRMaj> tensors = model.tensors(withTrainingState);
      if (version != VERSION_WITHOUT_RECOVERY) {
        model.restoreRecovery(in.readDouble(), in.readDouble(), in.readLong(), in.readInt());
        long goodStep = in.readLong();
        if (goodStep >= 0) {
          if (!withTrainingState) {
            throw new IllegalArgumentException("a last good state without the training state");
          }
          tensors = new ArrayList<>(tensors);
          tensors.addAll(model.lastGood().allocate());
          model.lastGood().set(goodStep);
        }
      }
      for (FMatrixRMaj tensor : tensors) {
        int n = in.readInt();
        if (n != tensor.getNumElements()) {
          throw new IllegalArgumentException(
              "tensor of " + n + " elements where the spec has " + tensor.getNumElements());
        }
        byte[] block = new byte[n * Float.BYTES];
        in.readFully(block);
        ByteBuffer.wrap(block).asFloatBuffer().get(tensor.data, 0, n);
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException(in.available() + " trailing bytes after the model");
      }
      return model;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt model bytes", e);
    }
  }
}
