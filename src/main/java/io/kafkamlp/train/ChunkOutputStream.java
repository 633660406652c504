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
  private final List<byte[]> full = new ArrayList<>();
  private byte[] current;
  private int position;

  /**
   * @param chunkBytes the size of every chunk but the last, {@code > 0}
   * @throws IllegalArgumentException if {@code chunkBytes <= 0}
   */
  ChunkOutputStream(int chunkBytes) {
    if (chunkBytes <= 0) {
      throw new IllegalArgumentException("chunks of " + chunkBytes + " bytes");
    }
    this.chunkBytes = chunkBytes;
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
    current = new byte[chunkBytes];
    position = 0;
  }

  /** The bytes written so far. */
  long size() {
    return (long) full.size() * chunkBytes + position;
  }

  /**
   * The bytes written, in order: every chunk has {@code chunkBytes} bytes but the last, which has
   * the rest (at least one); none when nothing was written. Only the last is a copy (when not
   * full): the others are this stream's own arrays, so stop writing before reading them.
   */
  List<byte[]> chunks() {
    List<byte[]> chunks = new ArrayList<>(full);
    if (position > 0) {
      chunks.add(position == chunkBytes ? current : Arrays.copyOf(current, position));
    }
    return chunks;
  }
}
