package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkOutputStreamTest {

  @Test
  void shouldCutWhatIsWrittenIntoChunksOfTheGivenSize() {
    Random random = new Random(3);
    for (int total : new int[] {1, 6, 7, 8, 13, 14, 15, 100}) {
      byte[] data = new byte[total];
      random.nextBytes(data);
      ChunkOutputStream out = new ChunkOutputStream(7);
      // writes of 0 to 9 bytes, single bytes among them: across, up to and from chunk boundaries
      for (int from = 0; from < total; ) {
        int n = Math.min(total - from, random.nextInt(10));
        if (n == 1) {
          out.write(data[from]);
        } else {
          out.write(data, from, n);
        }
        from += n;
      }

      List<byte[]> chunks = out.chunks();
      assertEquals(total, out.size());
      assertEquals((total + 6) / 7, chunks.size(), "chunks of " + total + " bytes");
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (int i = 0; i < chunks.size(); i++) {
        int expected = i < chunks.size() - 1 ? 7 : total - 7 * i;
        assertEquals(expected, chunks.get(i).length, "chunk " + i + " of " + total + " bytes");
        joined.writeBytes(chunks.get(i));
      }
      assertArrayEquals(data, joined.toByteArray());
    }
  }

  @Test
  void shouldHandOverAFullLastChunkWithoutCopyingIt() {
    ChunkOutputStream out = new ChunkOutputStream(4);
    out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);

    List<byte[]> first = out.chunks();
    assertEquals(2, first.size());
    assertSame(first.get(1), out.chunks().get(1));
  }

  @Test
  void shouldGiveNoChunkWhenNothingWasWritten() {
    ChunkOutputStream out = new ChunkOutputStream(4);
    out.write(new byte[3], 1, 0);

    assertTrue(out.chunks().isEmpty());
    assertEquals(0, out.size());
  }

  @Test
  void shouldRejectBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new ChunkOutputStream(0));
    ChunkOutputStream out = new ChunkOutputStream(4);
    assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[3], 2, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[3], -1, 1));
  }
}
