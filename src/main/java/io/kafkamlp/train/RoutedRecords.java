package io.kafkamlp.train;

/**
 * Lets a record that goes straight from the {@link SampleRouter} to its {@link TrainerProcessor}
 * ({@link TrainingRoute#DIRECT}) be parsed once: the router {@link #offer offers} the {@link
 * TrainingRecord} it encoded, under the very array it forwards, for the length of its forward;
 * Kafka Streams runs the child node within that call, on the same thread, and the trainer {@link
 * #take takes} the record back when the value it got is that array. Any other value (a record from
 * the repartition topic, from the replay log, from a test's driver) is not in here, and the trainer
 * parses it. The bytes decide, not the order of calls: a trainer never gets a record that is not
 * its value's.
 *
 * <p>One instance serves every task of a topology: a slot per thread.
 */
public final class RoutedRecords {

  private static final class Slot {
    byte[] bytes;
    TrainingRecord record;
  }

  private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

  /** Offers {@code record}, encoded as {@code bytes}, to a trainer this thread runs next. */
  void offer(byte[] bytes, TrainingRecord record) {
    Slot slot = slots.get();
    slot.bytes = bytes;
    slot.record = record;
  }

  /** Withdraws what this thread offered (call when the forward returns, however it returns). */
  void clear() {
    offer(null, null);
  }

  /**
   * The record offered under this very array, else null; either way the slot is emptied.
   *
   * @param bytes the value a trainer got
   */
  TrainingRecord take(byte[] bytes) {
    Slot slot = slots.get();
    TrainingRecord record = slot.bytes == bytes && bytes != null ? slot.record : null;
    slot.bytes = null;
    slot.record = null;
    return record;
  }
}
