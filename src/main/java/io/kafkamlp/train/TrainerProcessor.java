package io.kafkamlp.train;

import io.kafkamlp.nn.Model;
import io.kafkamlp.spec.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the models whose records reach this task (key: model name, value: a {@link
 * TrainingRecord}), straight from the router or through a repartition topic ({@link
 * TrainingRoute}), and emits their snapshots (key: model name, value: a {@code ModelSnapshot}).
 *
 * <p>Exactly-once without writing the model per batch: each model lives in memory, and two logged
 * stores make it recoverable. The replay log holds every record accepted since the last checkpoint,
 * in order; the checkpoint store holds the trainer's full state ({@link
 * ModelTrainer#checkpoint()}), cut into chunks of {@link #CHUNK_BYTES} so that no changelog record
 * nears the broker's 1 MB default limit, written every few batches or seconds, after which the
 * model's replay log is emptied. A model is also checkpointed as soon as its replay log holds as
 * many bytes as its last checkpoint: the log never costs more to restore than the checkpoint, and
 * under a fast stream the store's cache drops most logged records before a commit would write them
 * (a record written and deleted between two commits costs a tombstone, not its bytes, in the
 * changelog; give the trainer a cache of a few checkpoints). With {@code exactly_once_v2} both
 * stores change in the same transaction as the input offsets, so after a crash at any moment the
 * restored checkpoint plus the replayed log give exactly the state of the last commit, and training
 * is deterministic, so continuing from there gives the bits an uninterrupted run gives.
 *
 * <p>Store keys: {@code <model> NUL meta} (chunk count), {@code <model> NUL <chunk, 8 digits>} in
 * the checkpoint store; {@code <model> NUL <sequence, 19 digits>} in the replay log, so a range
 * scan returns a model's records in order.
 */
public final class TrainerProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  private static final Logger log = LoggerFactory.getLogger(TrainerProcessor.class);

  /** Name of the checkpoint store. */
  public static final String CHECKPOINT_STORE = "trainer-checkpoints";

  /** Name of the replay-log store. */
  public static final String REPLAY_STORE = "trainer-replay";

  /**
   * Largest checkpoint chunk: under half of G1's smallest region (1 MiB), so that no chunk is a
   * humongous object, and under the producer's 512 KiB batch, so that each goes into a pooled batch
   * buffer. With 512 KiB chunks instead, a ten-pass bench run started 17-22% more collections
   * (514-521 against 417-434) and 22-29% more of them for humongous allocations.
   */
  public static final int CHUNK_BYTES = 256 * 1024;

  private static final String META = "meta";

  /**
   * A model whose records stopped for this long publishes its unpublished batches at once, instead
   * of at the end of its snapshot interval: serving gets the model a burst of records made. Twice
   * the trainer's commit interval: under exactly-once its records arrive in bursts one commit
   * apart, and a shorter pause would publish (and make every server decode) a snapshot per commit.
   */
  static final Duration IDLE = Duration.ofSeconds(2);

  private final Map<String, ModelSpec> specs;
  private final TrainerSettings settings;
  private final TrainerRegistry registry;
  private final TrainerObserver observer;
  private final TrainingRoute route;
  private final Map<String, State> models = new HashMap<>();
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> checkpoints;
  private KeyValueStore<String, byte[]> replay;

  public TrainerProcessor(
      Map<String, ModelSpec> specs, TrainerSettings settings, TrainerRegistry registry) {
    this(specs, settings, registry, TrainerObserver.NONE);
  }

  public TrainerProcessor(
      Map<String, ModelSpec> specs,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer) {
    this(specs, settings, registry, observer, TrainingRoute.BY_MODEL);
  }

  /**
   * @param route how records reach this processor; on {@link TrainingRoute#DIRECT} it refuses to
   *     start in a task of any partition but the first (see {@link TrainingRoute#checkTask})
   */
  public TrainerProcessor(
      Map<String, ModelSpec> specs,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer,
      TrainingRoute route) {
    this.specs = Map.copyOf(specs);
    this.settings = settings;
    this.registry = registry;
    this.observer = observer;
    this.route = route;
  }

  /** One model's trainer and its bookkeeping. */
  private static final class State {
    final ModelTrainer trainer;

    /**
     * Sequence of the next record to log. The log holds the sequences from {@code nextSequence -
     * recordsSinceCheckpoint} to here: each record logged counts in both, a checkpoint empties it.
     */
    long nextSequence;

    /**
     * Bytes logged since the checkpoint, and the size of the last checkpoint (before the first: of
     * the untrained model's, so that the bound holds from the first record).
     */
    long replayBytes;

    long checkpointBytes;
    int batchesSinceCheckpoint;
    int batchesSinceSnapshot;
    long recordsSinceCheckpoint;
    long recordsSinceSnapshot;
    long lastCheckpointMillis;
    long lastSnapshotMillis;
    long lastRecordMillis;
    int checkpointChunks;
    long rollbacksPublished;

    State(ModelTrainer trainer, long checkpointBytes, long now, TrainerObserver observer) {
      this.trainer = trainer;
      this.checkpointBytes = checkpointBytes;
      trainer.observe(observer);
      this.lastCheckpointMillis = now;
      // Never published: the first batch publishes at once, so serving starts without waiting.
      this.lastSnapshotMillis = Long.MIN_VALUE / 2;
    }
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    route.checkTask(context.taskId());
    this.context = context;
    this.checkpoints = context.getStateStore(CHECKPOINT_STORE);
    this.replay = context.getStateStore(REPLAY_STORE);
    restore();
    long every =
        Math.min(settings.snapshotInterval().toMillis(), settings.checkpointInterval().toMillis());
    context.schedule(
        Duration.ofMillis(Math.max(100, Math.min(every, IDLE.toMillis() / 2))),
        PunctuationType.WALL_CLOCK_TIME,
        this::onTimer);
  }

  /**
   * Time-based snapshots and checkpoints for models whose records slowed down or stopped (a
   * snapshot as soon as a model is {@link #IDLE}): neither changes what a model learns, so
   * wall-clock timing keeps training deterministic.
   */
  private void onTimer(long now) {
    for (Map.Entry<String, State> entry : models.entrySet()) {
      State state = entry.getValue();
      if (state.recordsSinceSnapshot > 0
          && (elapsed(state.lastRecordMillis, now, IDLE)
              || elapsed(state.lastSnapshotMillis, now, settings.snapshotInterval()))) {
        snapshot(entry.getKey(), state, now, now);
      }
      if (state.recordsSinceCheckpoint > 0
          && elapsed(state.lastCheckpointMillis, now, settings.checkpointInterval())) {
        checkpoint(entry.getKey(), state);
        state.lastCheckpointMillis = now;
      }
    }
  }

  private void snapshot(String name, State state, long now, long timestamp) {
    byte[] snapshot = state.trainer.snapshot(now).toBytes();
    context.forward(new Record<>(name.getBytes(StandardCharsets.UTF_8), snapshot, timestamp));
    state.batchesSinceSnapshot = 0;
    state.recordsSinceSnapshot = 0;
    state.lastSnapshotMillis = now;
    state.rollbacksPublished = state.trainer.model().rollbacks();
  }

  /** Rebuilds every model of this task: its checkpoint, then its replay log in order. */
  private void restore() {
    long now = context.currentSystemTimeMs();
    TreeSet<String> names = new TreeSet<>();
    try (KeyValueIterator<String, byte[]> all = checkpoints.all()) {
      all.forEachRemaining(kv -> names.add(modelOf(kv.key)));
    }
    try (KeyValueIterator<String, byte[]> all = replay.all()) {
      all.forEachRemaining(kv -> names.add(modelOf(kv.key)));
    }
    for (String name : names) {
      byte[] meta = checkpoints.get(key(name, META));
      State state;
      if (meta == null) {
        state = newState(name, now);
      } else {
        int chunks = ByteBuffer.wrap(meta).getInt();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
          bytes.writeBytes(checkpoints.get(chunkKey(name, i)));
        }
        state = new State(ModelTrainer.restore(bytes.toByteArray()), bytes.size(), now, observer);
        state.checkpointChunks = chunks;
      }
      try (KeyValueIterator<String, byte[]> entries = replay.range(key(name, ""), key(name, "~"))) {
        while (entries.hasNext()) {
          KeyValue<String, byte[]> entry = entries.next();
          state.replayBytes += entry.value.length;
          TrainingRecord record = TrainingRecord.fromBytes(entry.value);
          if (state.trainer.accept(record.sample(), record.validation())) {
            state.batchesSinceCheckpoint++;
            state.batchesSinceSnapshot++;
          }
          state.nextSequence = sequenceOf(entry.key) + 1;
          state.recordsSinceCheckpoint++;
          // whether a snapshot showed it before the restart is unknown: the next idle or timed
          // snapshot shows it (at worst twice), or serving would miss it until the next record
          state.recordsSinceSnapshot++;
        }
      }
      // rollbacks of the replayed records were logged and published before the restart
      state.rollbacksPublished = state.trainer.model().rollbacks();
      models.put(name, state);
      registry.register(state.trainer);
    }
  }

  /** A new model's state; its checkpoint size is that of the untrained model. */
  private State newState(String name, long now) {
    ModelTrainer trainer = newTrainer(name);
    return new State(trainer, trainer.checkpoint().length, now, observer);
  }

  private ModelTrainer newTrainer(String name) {
    ModelSpec spec = specs.get(name);
    if (spec == null) {
      throw new IllegalStateException("no spec for model '" + name + "'");
    }
    return new ModelTrainer(name, spec, settings);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String name = new String(record.key(), StandardCharsets.UTF_8);
    long now = context.currentSystemTimeMs();
    State state = models.get(name);
    if (state == null) {
      state = newState(name, now);
      models.put(name, state);
      registry.register(state.trainer);
    }
    state.lastRecordMillis = now;
    TrainingRecord training = TrainingRecord.fromBytes(record.value());
    replay.put(sequenceKey(name, state.nextSequence++), record.value());
    state.replayBytes += record.value().length;
    state.recordsSinceCheckpoint++;
    state.recordsSinceSnapshot++;
    if (!state.trainer.accept(training.sample(), training.validation())) {
      return;
    }
    state.batchesSinceCheckpoint++;
    state.batchesSinceSnapshot++;
    // a rollback is published at once: serving should not keep the state training gave up on
    boolean rolledBack = state.trainer.model().rollbacks() != state.rollbacksPublished;
    if (rolledBack) {
      Model model = state.trainer.model();
      log.warn(
          "model '{}' diverged: {}, learning rate now {} (rollback {}; alert TrainingDiverged)",
          name,
          model.lastGoodStep() < 0
              ? "no good state saved yet to go back to"
              : "back to its last good state, of update " + model.lastGoodStep(),
          model.learningRate(),
          model.rollbacks());
    }
    if (state.batchesSinceSnapshot >= settings.snapshotEveryBatches()
        || elapsed(state.lastSnapshotMillis, now, settings.snapshotInterval())
        || rolledBack) {
      snapshot(name, state, now, record.timestamp());
    }
    if (state.batchesSinceCheckpoint >= settings.checkpointEveryBatches()
        || state.replayBytes >= state.checkpointBytes
        || elapsed(state.lastCheckpointMillis, now, settings.checkpointInterval())) {
      checkpoint(name, state);
      state.lastCheckpointMillis = now;
    }
  }

  private static boolean elapsed(long since, long now, Duration interval) {
    return now - since >= interval.toMillis();
  }

  /**
   * Writes the trainer's state in chunks, then empties its replay log: the sequences logged since
   * the last checkpoint, deleted by key (no scan).
   */
  private void checkpoint(String name, State state) {
    ChunkOutputStream bytes = new ChunkOutputStream(CHUNK_BYTES);
    try {
      state.trainer.checkpointTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ChunkOutputStream does not fail
    }
    List<byte[]> written = bytes.chunks();
    int chunks = written.size();
    for (int i = 0; i < chunks; i++) {
      checkpoints.put(chunkKey(name, i), written.get(i));
    }
    for (int i = chunks; i < state.checkpointChunks; i++) {
      checkpoints.delete(chunkKey(name, i));
    }
    checkpoints.put(key(name, META), ByteBuffer.allocate(Integer.BYTES).putInt(chunks).array());
    state.checkpointChunks = chunks;
    state.checkpointBytes = bytes.size();
    long first = state.nextSequence - state.recordsSinceCheckpoint;
    for (long sequence = first; sequence < state.nextSequence; sequence++) {
      replay.delete(sequenceKey(name, sequence));
    }
    state.replayBytes = 0;
    state.batchesSinceCheckpoint = 0;
    state.recordsSinceCheckpoint = 0;
  }

  @Override
  public void close() {
    models.values().forEach(state -> registry.unregister(state.trainer));
  }

  private static String key(String model, String suffix) {
    return model + '\u0000' + suffix;
  }

  private static String chunkKey(String model, int chunk) {
    return key(model, String.format("%08d", chunk));
  }

  /** Zero-padded to 19 digits, so that string order is sequence order (String.format is slow). */
  private static String sequenceKey(String model, long sequence) {
    String digits = Long.toString(sequence);
    return key(model, "0".repeat(19 - digits.length()) + digits);
  }

  private static String modelOf(String storeKey) {
    return storeKey.substring(0, storeKey.indexOf('\u0000'));
  }

  private static long sequenceOf(String storeKey) {
    return Long.parseLong(storeKey.substring(storeKey.indexOf('\u0000') + 1));
  }
}
