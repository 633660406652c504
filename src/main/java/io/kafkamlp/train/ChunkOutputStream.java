package io.kafkamlp.train;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An output stream that writes into arrays of a fixed size, one after the other: the bytes written,
 * cut into chunks of {@code chunkBytes}, each written once, without the copies of a growing {@code
 * ByteArrayOutputStream} and the slicing after it. Not thread-safe; never throws {@code
 * IOException}.
 */
final class ChunkOutputStream extends OutputStream {

  private final int chunkBytes;
  private final ChunkPool pool;
  private final List<byte[]> full = new ArrayList<>();
  private byte[] current;
  private int position;

  /**
   * @param chunkBytes the size of every chunk but the last, {@code > 0}
   * @throws IllegalArgumentException if {@code chunkBytes <= 0}
   */
  ChunkOutputStream(int chunkBytes) {
    this(chunkBytes, null);
  }

  /**
   * @param chunkBytes the size of every chunk but the last, {@code > 0}
   * @param pool where the chunks' arrays come from, and where an array goes that only held the last
   *     chunk before it was copied to its length; null for new arrays
   * @throws IllegalArgumentException if {@code chunkBytes <= 0}
   */
  ChunkOutputStream(int chunkBytes, ChunkPool pool) {
    if (chunkBytes <= 0) {
      throw new IllegalArgumentException("chunks of " + chunkBytes + " bytes");
    }
    this.chunkBytes = chunkBytes;
    this.pool = pool;
  }

  @Override
  public void write(int b) {
    if (current == null || position == chunkBytes) {
      next();
    }
    current[position++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (current == null || position == chunkBytes) {
        next();
      }
      int n = Math.min(len, chunkBytes - position);
      System.arraycopy(b, off, current, position, n);
      position += n;
      off += n;
      len -= n;
    }
  }

  private void next() {
    if (current != null) {
      full.add(current);
    }
    current = pool == null ? new byte[chunkBytes] : pool.take();
    position = 0;
  }

  /** The bytes written so far. */
  long size() {
    return (long) full.size() * chunkBytes + position;
  }

  /**
   * The bytes written, in order: every chunk has {@code chunkBytes} bytes but the last, which has
   * the rest (at least one); none when nothing was written. Only the last is a copy (when not
   * full): the others are this stream's own arrays, so stop writing before reading them. Call once,
   * when done writing.
   */
  List<byte[]> chunks() {
    List<byte[]> chunks = new ArrayList<>(full);
    if (position == chunkBytes) {
      chunks.add(current);
    } else if (position > 0) {
      chunks.add(Arrays.copyOf(current, position));
      if (pool != null) {
        pool.give(current);
        current = null;
      }
    }
    return chunks;
  }
}
