package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A model's replay log in a ring of store keys. */
class ReplayLogTest {

  private final KeyValueStore<String, byte[]> store =
      TrainerProcessorTest.store(TrainerProcessor.REPLAY_STORE);

  @BeforeEach
  void openStore() {
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  @Test
  void shouldHoldTheRecordsSinceTheLastCheckpointInOrder() {
    ReplayLog log = ReplayLog.open(store, "m");
    for (int i = 0; i < 10; i++) {
      assertEquals(i, log.append(new byte[] {(byte) i}));
    }
    log.truncateThrough(6);

    assertEquals(List.of(7L, 8L, 9L), sequences(ReplayLog.open(store, "m")));
    assertEquals(10, ReplayLog.open(store, "m").next(), "a reopened log continues where it was");
  }

  @Test
  void shouldKeepItsRecordsInARingOfKeys() {
    ReplayLog log = ReplayLog.open(store, "m");
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 3 * ReplayLog.SLOTS; i++) {
      log.append(ByteBuffer.allocate(Integer.BYTES).putInt(i).array());
      log.truncateThrough(i - 5);
      try (var all = store.all()) {
        all.forEachRemaining(kv -> keys.add(kv.key));
      }
      if (i % 1000 == 0) {
        assertEquals(
            Math.min(i + 1, 5) + (i >= 5 ? 1 : 0), store.approximateNumEntries(), "at " + i);
      }
    }

    assertEquals(ReplayLog.SLOTS + 1, keys.size(), "the ring's keys and the head, no others");
    List<byte[]> values = new ArrayList<>();
    ReplayLog.open(store, "m").forEach((bytes, sequence) -> values.add(bytes));
    assertEquals(5, values.size());
    assertArrayEquals(
        ByteBuffer.allocate(Integer.BYTES).putInt(3 * ReplayLog.SLOTS - 1).array(), values.get(4));
  }

  @Test
  void shouldRefuseARecordWhenFull() {
    ReplayLog log = ReplayLog.open(store, "m");
    for (int i = 0; i < ReplayLog.SLOTS; i++) {
      log.append(new byte[] {1});
    }

    assertTrue(log.full());
    assertThrows(IllegalStateException.class, () -> log.append(new byte[] {1}));
    log.truncateThrough(0);
    assertFalse(log.full());
    assertEquals(ReplayLog.SLOTS, log.append(new byte[] {2}));
  }

  @Test
  void shouldKeepModelsApart() {
    ReplayLog a = ReplayLog.open(store, "a");
    ReplayLog b = ReplayLog.open(store, "b");
    a.append(new byte[] {1});
    a.append(new byte[] {2});
    b.append(new byte[] {3});
    a.truncateThrough(0);

    assertEquals(List.of(1L), sequences(ReplayLog.open(store, "a")));
    assertEquals(List.of(0L), sequences(ReplayLog.open(store, "b")));
  }

  @Test
  void shouldContinueAtTheSequenceItIsRestartedAt() {
    ReplayLog log = ReplayLog.open(store, "m");
    log.append(new byte[] {1});
    log.restartAt(25);
    log.append(new byte[] {2});

    assertEquals(List.of(25L), sequences(ReplayLog.open(store, "m")));
  }

  @Test
  void shouldRefuseABrokenHead() {
    store.put("m\u0000head", ByteBuffer.allocate(Long.BYTES).putLong(-1).array());

    IllegalStateException broken =
        assertThrows(IllegalStateException.class, () -> ReplayLog.open(store, "m"));
    assertTrue(broken.getMessage().contains("'m' starts at -1"), broken.getMessage());
  }

  private static List<Long> sequences(ReplayLog log) {
    List<Long> sequences = new ArrayList<>();
    log.forEach((bytes, sequence) -> sequences.add(sequence));
    return sequences;
  }
}
