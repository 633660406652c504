package io.kafkamlp.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ModelSnapshotTest {

  private static final ModelSnapshot SNAPSHOT =
      new ModelSnapshot(
          "m\u00e9t\u00e9o",
          42,
          1344,
          1_700_000_000_000L,
          new ModelSnapshot.Metrics(0.5, 0.25, 1.5, Double.NaN, 2.5),
          new byte[] {1, 2, 3},
          new byte[] {9, 8, 7, 6, 5});

  @Test
  void shouldWriteTheDocumentedFormat() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.writeInt(0x4B534E50);
    out.writeShort(1);
    out.writeUTF("m\u00e9t\u00e9o");
    out.writeLong(42);
    out.writeLong(1344);
    out.writeLong(1_700_000_000_000L);
    for (double v : new double[] {0.5, 0.25, 1.5, Double.NaN, 2.5}) {
      out.writeDouble(v);
    }
    out.writeInt(3);
    out.write(new byte[] {1, 2, 3});
    out.writeInt(5);
    out.write(new byte[] {9, 8, 7, 6, 5});

    assertArrayEquals(expected.toByteArray(), SNAPSHOT.toBytes());
  }

  @Test
  void shouldReadBackWhatItWrites() {
    ModelSnapshot read = ModelSnapshot.fromBytes(SNAPSHOT.toBytes());

    assertEquals(SNAPSHOT.model(), read.model());
    assertEquals(SNAPSHOT.version(), read.version());
    assertEquals(SNAPSHOT.samplesTrained(), read.samplesTrained());
    assertEquals(SNAPSHOT.createdAtMillis(), read.createdAtMillis());
    assertEquals(SNAPSHOT.metrics(), read.metrics());
    assertArrayEquals(SNAPSHOT.normalizer(), read.normalizer());
    assertArrayEquals(SNAPSHOT.network(), read.network());
  }
}
