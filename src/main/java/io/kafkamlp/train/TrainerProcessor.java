package io.kafkamlp.train;

import io.kafkamlp.spec.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Trains the models whose records reach this task (key: model name, value: a {@link
 * TrainingRecord}), straight from the router or through a repartition topic ({@link
 * TrainingRoute}), and emits their snapshots (key: model name, value: a {@code ModelSnapshot}).
 *
 * <p>Exactly-once without writing the model per batch: each model lives in memory, and two logged
 * stores make it recoverable. The replay log ({@link ReplayLog}) holds every record accepted since
 * the last checkpoint, in order; the checkpoint store holds the trainer's full state ({@link
 * ModelTrainer#checkpoint()}), cut into chunks of {@link #CHUNK_BYTES} so that no changelog record
 * nears the broker's 1 MB default limit, written every few batches or seconds, after which the
 * model's replay log is emptied. A model is also checkpointed as soon as its replay log holds as
 * many bytes as its last checkpoint (the log never costs more to restore than the checkpoint), or
 * {@link ReplayLog#CHECKPOINT_RECORDS} records. The log's keys come round again (a ring), so under
 * a fast stream the store's cache keeps only the last value of each slot and of each checkpoint
 * chunk until a commit writes them: give the trainer a cache of a few checkpoints. With {@code
 * exactly_once_v2} both stores change in the same transaction as the input offsets, so after a
 * crash at any moment the restored checkpoint plus the replayed log give exactly the state of the
 * last commit, and training is deterministic, so continuing from there gives the bits an
 * uninterrupted run gives.
 *
 * <p>A thread of the task's own trains ({@link TrainingLoop}, unless {@link
 * TrainerSettings#trainingQueue()} is 0): this processor parses each record (or takes it parsed
 * from the router, {@link RoutedRecords}), logs it and queues it, and stores the checkpoints and
 * forwards the snapshots the training thread made, at its next record or within {@link #DRAIN} of
 * it. A checkpoint names the last record it holds, and only the log up to there is emptied, so the
 * stores are consistent at every commit, however far training is behind. On close the thread learns
 * every record queued.
 *
 * <p>Store keys: {@code <model> NUL meta} (chunk count), {@code <model> NUL <chunk, 8 digits>} in
 * the checkpoint store; those of {@link ReplayLog} in the replay store.
 */
public final class TrainerProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  /** Name of the checkpoint store. */
  public static final String CHECKPOINT_STORE = "trainer-checkpoints";

  /** Name of the replay-log store. */
  public static final String REPLAY_STORE = "trainer-replay";

  /**
   * Largest checkpoint chunk: under half of G1's smallest region (1 MiB), so that no chunk is a
   * humongous object, and under the producer's batch (512 KiB, the trainer's 2 MiB), so that each
   * goes into a pooled batch buffer. With 512 KiB chunks instead, a ten-pass bench run started
   * 17-22% more collections (514-521 against 417-434) and 22-29% more of them for humongous
   * allocations.
   */
  public static final int CHUNK_BYTES = 256 * 1024;

  private static final String META = "meta";

  /**
   * A model whose records stopped for this long publishes its unpublished batches at once, instead
   * of at the end of its snapshot interval: serving gets the model a burst of records made. At
   * least this, and under exactly-once at least twice the application's {@code commit.interval.ms}
   * ({@link #idlePause}): records through the repartition topic then arrive in bursts one commit
   * apart, and a shorter pause would publish (and make every server decode) a snapshot per commit.
   */
  static final Duration IDLE = Duration.ofSeconds(2);

  /**
   * How often the stream thread takes the training thread's outputs when no record comes: the
   * longest a snapshot made after the last record waits to be published.
   */
  static final Duration DRAIN = Duration.ofMillis(100);

  private final Map<String, ModelSpec> specs;
  private final TrainerSettings settings;
  private final TrainerRegistry registry;
  private final TrainerObserver observer;
  private final TrainingRoute route;
  private final RoutedRecords routed;
  private final ServingPriority priority;
  private final Map<String, ModelLog> models = new HashMap<>();
  private ProcessorContext<byte[], byte[]> context;
  private TrainingLoop loop;
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
    this(specs, settings, registry, observer, TrainingRoute.BY_MODEL, new RoutedRecords());
  }

  /** As below, never yielding to a server. */
  public TrainerProcessor(
      Map<String, ModelSpec> specs,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer,
      TrainingRoute route,
      RoutedRecords routed) {
    this(specs, settings, registry, observer, route, routed, ServingPriority.NONE);
  }

  /**
   * @param route how records reach this processor; on {@link TrainingRoute#DIRECT} it refuses to
   *     start in a task of any partition but the first (see {@link TrainingRoute#checkTask})
   * @param routed where the router offers the records it forwards, already parsed; a value that is
   *     not there is parsed
   * @param priority when its training thread yields to the server in this process
   */
  public TrainerProcessor(
      Map<String, ModelSpec> specs,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer,
      TrainingRoute route,
      RoutedRecords routed,
      ServingPriority priority) {
    this.priority = priority;
    this.specs = Map.copyOf(specs);
    this.settings = settings;
    this.registry = registry;
    this.observer = observer;
    this.route = route;
    this.routed = routed;
  }

  /** One model on the stream thread's side: its learner, its replay log, its checkpoint's size. */
  private static final class ModelLog {
    final TrainingLoop.Learner learner;
    final ReplayLog log;
    int checkpointChunks;

    ModelLog(TrainingLoop.Learner learner, ReplayLog log) {
      this.learner = learner;
      this.log = log;
    }
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    route.checkTask(context.taskId());
    this.context = context;
    this.checkpoints = context.getStateStore(CHECKPOINT_STORE);
    this.replay = context.getStateStore(REPLAY_STORE);
    Duration idle = idlePause(context.appConfigs());
    this.loop = new TrainingLoop(settings, idle, context.taskId().toString(), priority);
    try {
      restore();
    } catch (RuntimeException e) {
      loop.close();
      throw e;
    }
    long every =
        Math.min(settings.snapshotInterval().toMillis(), settings.checkpointInterval().toMillis());
    context.schedule(
        Duration.ofMillis(Math.max(100, Math.min(every, idle.toMillis() / 2))),
        PunctuationType.WALL_CLOCK_TIME,
        this::onTimer);
    if (loop.pipelined()) {
      context.schedule(DRAIN, PunctuationType.WALL_CLOCK_TIME, now -> loop.drain(this::apply));
      observer.onQueueOpened(loop);
    }
  }

  /**
   * The {@link #IDLE} pause for an application of these configs: under exactly-once, twice its
   * {@code commit.interval.ms} when that is longer (at least once, records are readable as soon as
   * they are written, and do not come in bursts).
   */
  static Duration idlePause(Map<String, Object> configs) {
    Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    Object commit = configs.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    if (commit == null || !String.valueOf(guarantee).startsWith("exactly_once")) {
      return IDLE;
    }
    long twice = 2 * Long.parseLong(commit.toString());
    return twice > IDLE.toMillis() ? Duration.ofMillis(twice) : IDLE;
  }

  /** Has the training loop apply the time-based snapshot and checkpoint rules, as of now. */
  private void onTimer(long now) {
    loop.tick(now);
    loop.drain(this::apply);
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
      ModelLog model;
      if (meta == null) {
        model = newModel(name, now);
      } else {
        int chunks = ByteBuffer.wrap(meta).getInt();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
          bytes.writeBytes(checkpoints.get(chunkKey(name, i)));
        }
        ModelTrainer trainer = ModelTrainer.restore(bytes.toByteArray());
        model =
            new ModelLog(
                new TrainingLoop.Learner(name, trainer, bytes.size(), now, observer),
                ReplayLog.open(replay, name));
        model.checkpointChunks = chunks;
      }
      TrainingLoop.Learner learner = model.learner;
      model.log.forEach(
          (value, sequence) ->
              learner.replay(TrainingRecord.fromBytes(value), value.length, sequence));
      models.put(name, model);
      foldEarlierLayout(model, now);
      registry.register(learner.trainer);
      loop.adopt(learner);
    }
  }

  /**
   * Learns a replay log of the layout before {@link ReplayLog} (a key per sequence, {@code <model>
   * NUL <sequence, 19 digits>}, deleted once checkpointed), if the store holds one for this model,
   * and folds it into a checkpoint: its records go, and the log continues after them.
   */
  private void foldEarlierLayout(ModelLog model, long now) {
    String name = model.learner.name;
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> entries = replay.range(key(name, "0"), key(name, ":"))) {
      while (entries.hasNext()) {
        KeyValue<String, byte[]> entry = entries.next();
        if (model.log.size() > 0) {
          throw new IllegalStateException(
              "replay log of model '" + name + "' holds records of two layouts");
        }
        long sequence = sequenceOf(entry.key);
        model.learner.replay(TrainingRecord.fromBytes(entry.value), entry.value.length, sequence);
        keys.add(entry.key);
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    store(model.learner.checkpoint(now));
    keys.forEach(replay::delete);
    model.log.restartAt(model.learner.lastSequence + 1);
  }

  /** A new model; its checkpoint size is that of the untrained model. */
  private ModelLog newModel(String name, long now) {
    ModelSpec spec = specs.get(name);
    if (spec == null) {
      throw new IllegalStateException("no spec for model '" + name + "'");
    }
    ModelTrainer trainer = new ModelTrainer(name, spec, settings);
    return new ModelLog(
        new TrainingLoop.Learner(name, trainer, trainer.checkpoint().length, now, observer),
        ReplayLog.open(replay, name));
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String name = new String(record.key(), StandardCharsets.UTF_8);
    ModelLog model = models.get(name);
    if (model == null) {
      model = newModel(name, context.currentSystemTimeMs());
      models.put(name, model);
      registry.register(model.learner.trainer);
    }
    TrainingRecord training = routed.take(record.value());
    if (training == null) {
      training = TrainingRecord.fromBytes(record.value());
    }
    if (model.log.full()) {
      awaitCheckpoint(model.log);
    }
    long sequence = model.log.append(record.value());
    loop.learn(
        model.learner,
        training,
        record.value().length,
        sequence,
        context.currentSystemTimeMs(),
        record.timestamp());
    loop.drain(this::apply);
  }

  /**
   * Stores the checkpoints training made until one frees room in {@code log}: the stream thread
   * waits when it ran {@link ReplayLog#SLOTS} records ahead of the last (after a restart with a
   * long log, or with a training queue longer than the log leaves room for).
   */
  private void awaitCheckpoint(ReplayLog log) {
    loop.drain(this::apply);
    while (log.full()) {
      loop.awaitOutput();
      loop.drain(this::apply);
    }
  }

  private void apply(TrainingLoop.Output output) {
    if (output instanceof TrainingLoop.Snapshot snapshot) {
      context.forward(
          new Record<>(
              snapshot.model().getBytes(StandardCharsets.UTF_8),
              snapshot.bytes(),
              snapshot.timestamp()));
    } else if (output instanceof TrainingLoop.Checkpoint checkpoint) {
      store(checkpoint);
    }
  }

  /** Writes a checkpoint's chunks, then frees the records it holds from the replay log. */
  private void store(TrainingLoop.Checkpoint checkpoint) {
    String name = checkpoint.model();
    ModelLog model = models.get(name);
    List<byte[]> written = checkpoint.chunks();
    int chunks = written.size();
    for (int i = 0; i < chunks; i++) {
      checkpoints.put(chunkKey(name, i), written.get(i));
    }
    for (int i = chunks; i < model.checkpointChunks; i++) {
      checkpoints.delete(chunkKey(name, i));
    }
    checkpoints.put(key(name, META), ByteBuffer.allocate(Integer.BYTES).putInt(chunks).array());
    model.checkpointChunks = chunks;
    model.log.truncateThrough(checkpoint.throughSequence());
  }

  /**
   * Lets the training thread learn every record this task processed, so that the trainers hold what
   * Kafka Streams commits on close (see {@link TrainerRegistry}).
   */
  @Override
  public void close() {
    if (loop != null) {
      loop.close();
      if (loop.pipelined()) {
        observer.onQueueClosed(loop);
      }
    }
    models.values().forEach(model -> registry.unregister(model.learner.trainer));
  }

  private static String key(String model, String suffix) {
    return model + '\u0000' + suffix;
  }

  private static String chunkKey(String model, int chunk) {
    return key(model, String.format("%08d", chunk));
  }

  private static String modelOf(String storeKey) {
    return storeKey.substring(0, storeKey.indexOf('\u0000'));
  }

  private static long sequenceOf(String storeKey) {
    return Long.parseLong(storeKey.substring(storeKey.indexOf('\u0000') + 1));
  }
}
