package io.kafkamlp.train;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checkpoint chunks to write again: the training thread {@link #take takes} arrays for the chunks
 * of a new checkpoint, and the stream thread {@link #give gives} back those of the checkpoint it
 * replaced in the store. A model of the default size checkpoints about a dozen times a second under
 * a fast stream (5.6 MB each); without the pool every checkpoint was new garbage (about an eighth
 * of what the pipeline allocated), and the one in the store's cache was copied at every young
 * collection.
 *
 * <p>A store keeps no reference to a value it has replaced or deleted (the caching store drops its
 * entry, RocksDB and the changelog's producer copy the bytes), which is what makes giving an array
 * back safe once its key holds another value. Thread-safe; keeps at most {@code maxArrays}.
 */
final class ChunkPool {

  private final int chunkBytes;
  private final int maxArrays;
  private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  /**
   * @param chunkBytes the length of every array it holds
   * @param maxArrays the most it keeps; more are left to the garbage collector
   */
  ChunkPool(int chunkBytes, int maxArrays) {
    this.chunkBytes = chunkBytes;
    this.maxArrays = maxArrays;
  }

  /** An array of {@code chunkBytes}, given back earlier or new; its bytes are arbitrary. */
  byte[] take() {
    byte[] array = spare.poll();
    if (array == null) {
      return new byte[chunkBytes];
    }
    size.decrementAndGet();
    return array;
  }

  /**
   * Keeps an array nothing else references any more for a later {@link #take}; ignores one of
   * another length, and one over the limit.
   */
  void give(byte[] array) {
    if (array.length != chunkBytes || size.incrementAndGet() > maxArrays) {
      if (array.length == chunkBytes) {
        size.decrementAndGet();
      }
      return;
    }
    spare.add(array);
  }

  /** Arrays kept now. */
  int size() {
    return size.get();
  }
}
