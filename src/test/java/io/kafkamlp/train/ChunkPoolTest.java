package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Checkpoint arrays given back and taken again. */
class ChunkPoolTest {

  @Test
  void shouldHandBackWhatWasGivenThenNewArrays() {
    ChunkPool pool = new ChunkPool(8, 2);
    byte[] given = new byte[8];
    pool.give(given);

    assertSame(given, pool.take());
    byte[] fresh = pool.take();
    assertEquals(8, fresh.length);
    assertNotSame(given, fresh);
    assertEquals(0, pool.size());
  }

  @Test
  void shouldKeepNoMoreThanItsLimitAndOnlyArraysOfItsLength() {
    ChunkPool pool = new ChunkPool(8, 2);
    pool.give(new byte[7]);
    pool.give(new byte[8]);
    pool.give(new byte[8]);
    pool.give(new byte[8]);

    assertEquals(2, pool.size());
    pool.take();
    pool.give(new byte[9]);
    assertEquals(1, pool.size());
  }

  @Test
  void shouldLendItsArraysToTheChunksOfAStreamAndTakeBackTheLastOnesCopied() {
    ChunkPool pool = new ChunkPool(4, 8);
    byte[] reused = new byte[] {9, 9, 9, 9};
    pool.give(reused);
    ChunkOutputStream out = new ChunkOutputStream(4, pool);
    out.write(new byte[] {1, 2, 3, 4, 5, 6}, 0, 6);

    var chunks = out.chunks();
    assertSame(reused, chunks.get(0), "the first chunk in the pooled array");
    assertEquals(2, chunks.get(1).length, "the last copied to its length");
    assertEquals(1, pool.size(), "and the array it was written in given back");
    assertEquals(6, out.size());
  }
}
