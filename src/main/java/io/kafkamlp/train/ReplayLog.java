package io.kafkamlp.train;

import java.nio.ByteBuffer;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One model's replay log in the trainer's replay store: the records logged since its last stored
 * checkpoint, in order, to be learned again after a restart.
 *
 * <p>The records live in a ring of {@link #SLOTS} keys: the record of sequence {@code s} under
 * {@code <model> NUL r<s mod SLOTS>}. A head, {@code <model> NUL head}, holds the sequence of the
 * first record; the live records fill the slots from there, and the first empty slot (or the {@link
 * #SLOTS}th) ends them. A checkpoint {@link #truncateThrough frees} the records it holds: it
 * deletes their slots and moves the head. Since the keys come round again, the store's cache keeps
 * one entry per slot, and a commit flushes at most {@link #SLOTS} records (the live ones, the
 * others as tombstones) and the head to the changelog, whatever the rate. With a key per sequence,
 * as before, every record logged and freed between two commits cost a tombstone at the commit
 * (60,000 of them in 3 s at the bench's rate), and the commit's flush, which stops the stream
 * thread while the training thread lives off its queue, grew with the rate.
 *
 * <p>The log holds at most {@link #SLOTS} records; {@link #full} says when the next must wait for a
 * checkpoint. The trainer checkpoints every {@link #CHECKPOINT_RECORDS} records at the latest, so a
 * training queue of up to {@code SLOTS - CHECKPOINT_RECORDS} records never makes it wait.
 *
 * <p>Used from the stream thread only.
 */
final class ReplayLog {

  /** Records the log holds at most. */
  static final int SLOTS = 4096;

  /** Records after which a model checkpoints at the latest, so that its log never fills. */
  static final int CHECKPOINT_RECORDS = 3072;

  private static final String HEAD = "head";

  private final KeyValueStore<String, byte[]> store;
  private final String prefix;
  private final String headKey;
  private final String[] slotKeys = new String[SLOTS];
  private long first;
  private long next;

  private ReplayLog(KeyValueStore<String, byte[]> store, String model) {
    this.store = store;
    this.prefix = model + '\u0000';
    this.headKey = prefix + HEAD;
  }

  /**
   * The log of {@code model} as the store holds it: empty, starting at sequence 0, if the store has
   * no head for it.
   */
  static ReplayLog open(KeyValueStore<String, byte[]> store, String model) {
    ReplayLog log = new ReplayLog(store, model);
    byte[] head = store.get(log.headKey);
    log.first = head == null ? 0 : ByteBuffer.wrap(head).getLong();
    if (log.first < 0) {
      throw new IllegalStateException("replay log of model '" + model + "' starts at " + log.first);
    }
    log.next = log.first;
    while (!log.full() && store.get(log.slotKey(log.next)) != null) {
      log.next++;
    }
    return log;
  }

  /** Sequence of the next record {@link #append} logs. */
  long next() {
    return next;
  }

  /** Records the log holds. */
  long size() {
    return next - first;
  }

  /** Whether the log holds {@link #SLOTS} records: the next must wait for a checkpoint. */
  boolean full() {
    return size() >= SLOTS;
  }

  /**
   * Logs a record (the array is the store's from now on: not to be changed).
   *
   * @return its sequence
   * @throws IllegalStateException if the log is {@link #full}
   */
  long append(byte[] record) {
    if (full()) {
      throw new IllegalStateException("replay log full at sequence " + next);
    }
    long sequence = next++;
    store.put(slotKey(sequence), record);
    return sequence;
  }

  /** Frees the records up to {@code sequence}, which a stored checkpoint holds. */
  void truncateThrough(long sequence) {
    long end = Math.min(sequence + 1, next);
    if (end <= first) {
      return;
    }
    for (long freed = first; freed < end; freed++) {
      store.delete(slotKey(freed));
    }
    first = end;
    writeHead();
  }

  /**
   * Empties the log and has it continue at {@code sequence}: for a log whose records a checkpoint
   * holds by other means (one of an earlier layout, folded into a checkpoint).
   */
  void restartAt(long sequence) {
    truncateThrough(next - 1);
    first = sequence;
    next = sequence;
    writeHead();
  }

  /**
   * Hands each logged record to {@code action}, in order, with its sequence.
   *
   * @throws IllegalStateException if a record is missing (the store lost it since {@link #open})
   */
  void forEach(ObjLongConsumer<byte[]> action) {
    for (long sequence = first; sequence < next; sequence++) {
      byte[] record = store.get(slotKey(sequence));
      if (record == null) {
        throw new IllegalStateException(
            "replay log of '" + prefix.substring(0, prefix.length() - 1) + "' lacks " + sequence);
      }
      action.accept(record, sequence);
    }
  }

  private String slotKey(long sequence) {
    int slot = (int) (sequence % SLOTS);
    String key = slotKeys[slot];
    if (key == null) {
      key = prefix + 'r' + slot;
      slotKeys[slot] = key;
    }
    return key;
  }

  private void writeHead() {
    store.put(headKey, ByteBuffer.allocate(Long.BYTES).putLong(first).array());
  }
}
