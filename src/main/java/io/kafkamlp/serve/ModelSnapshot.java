package io.kafkamlp.serve;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What serving needs of a model at one point of its training, as published to the compacted {@code
 * model-snapshots} topic (key: the model name): the network without optimizer state ({@link
 * io.kafkamlp.nn.ModelCodec#encodeForInference}) and the normalizer statistics.
 *
 * <p>Format version 1, big-endian: int magic {@code 0x4B534E50} ("KSNP"), short version, UTF model
 * name, long version, long samples trained, long creation time (epoch ms), five doubles of metrics
 * (see {@link Metrics}, in order; NaN when unknown), int n + n bytes of normalizer, int n + n bytes
 * of network.
 *
 * @param model the model name
 * @param version the number of updates the model had applied: predictions carry it
 * @param samplesTrained training samples learned so far
 * @param createdAtMillis wall-clock time the snapshot was taken
 * @param metrics how well the model learned when the snapshot was taken
 * @param normalizer {@code RunningStandardizer.toBytes()}
 * @param network {@code ModelCodec.encodeForInference(model)}
 */
public record ModelSnapshot(
    String model,
    long version,
    long samplesTrained,
    long createdAtMillis,
    Metrics metrics,
    byte[] normalizer,
    byte[] network) {

  /**
   * Windowed training metrics (see the trainer's settings for the window).
   *
   * @param prequentialAccuracy accuracy of predictions made before learning each batch
   * @param cumulativePrequentialAccuracy the same over every batch since training began
   * @param prequentialLoss mean training loss
   * @param validationAccuracy accuracy on validation data
   * @param validationLoss mean data loss on validation data
   */
  public record Metrics(
      double prequentialAccuracy,
      double cumulativePrequentialAccuracy,
      double prequentialLoss,
      double validationAccuracy,
      double validationLoss) {}

  /** "KSNP". */
  public static final int MAGIC = 0x4B534E50;

  public static final short FORMAT_VERSION = 1;

  public byte[] toBytes() {
    // the fields before the two arrays, then one array of the exact size: a snapshot of the default
    // model is about 1 MB, published every few seconds, and a humongous object in G1's 1 MiB
    // regions
    ByteArrayOutputStream head = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(head)) {
      out.writeInt(MAGIC);
      out.writeShort(FORMAT_VERSION);
      out.writeUTF(model);
      out.writeLong(version);
      out.writeLong(samplesTrained);
      out.writeLong(createdAtMillis);
      out.writeDouble(metrics.prequentialAccuracy());
      out.writeDouble(metrics.cumulativePrequentialAccuracy());
      out.writeDouble(metrics.prequentialLoss());
      out.writeDouble(metrics.validationAccuracy());
      out.writeDouble(metrics.validationLoss());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return ByteBuffer.allocate(head.size() + 2 * Integer.BYTES + normalizer.length + network.length)
        .put(head.toByteArray())
        .putInt(normalizer.length) // big-endian, as DataOutput
        .put(normalizer)
        .putInt(network.length)
        .put(network)
        .array();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a snapshot of a known version
   */
  public static ModelSnapshot fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a kafka-mlp model snapshot (bad magic)");
      }
      short version = in.readShort();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported snapshot format version " + version);
      }
      String model = in.readUTF();
      long modelVersion = in.readLong();
      long samples = in.readLong();
      long created = in.readLong();
      Metrics metrics =
          new Metrics(
              in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
      byte[] normalizer = new byte[in.readInt()];
      in.readFully(normalizer);
      byte[] network = new byte[in.readInt()];
      in.readFully(network);
      return new ModelSnapshot(model, modelVersion, samples, created, metrics, normalizer, network);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt snapshot bytes", e);
    }
  }

  /** The model version of snapshot bytes, read from the header alone. */
  public static long versionOf(byte[] bytes) {
    java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || header.getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not a kafka-mlp model snapshot (bad magic)");
    }
    int nameLength = header.getShort(6) & 0xffff;
    return header.getLong(8 + nameLength);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSnapshot s
        && model.equals(s.model)
        && version == s.version
        && samplesTrained == s.samplesTrained
        && createdAtMillis == s.createdAtMillis
        && metrics.equals(s.metrics)
        && Arrays.equals(normalizer, s.normalizer)
        && Arrays.equals(network, s.network);
  }

  @Override
  public int hashCode() {
    return (model.hashCode() * 31 + Long.hashCode(version)) * 31 + Arrays.hashCode(network);
  }

  @Override
  public String toString() {
    return "ModelSnapshot["
        + model
        + " v"
        + version
        + ", "
        + samplesTrained
        + " samples, "
        + network.length
        + " bytes]";
  }
}
