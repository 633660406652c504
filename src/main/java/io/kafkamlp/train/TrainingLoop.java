package io.kafkamlp.train;

import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.kernel.KernelThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training side of a {@link TrainerProcessor}: each model's {@link ModelTrainer} and the rules
 * that decide when it publishes a snapshot or cuts a checkpoint. The processor {@link #learn logs}
 * each record in its replay log and hands it here; what the rules produce comes back as {@link
 * Output}s, which the processor {@link #drain drains} on the stream thread (only it touches Kafka
 * Streams): snapshots to forward, checkpoints to store.
 *
 * <p><b>Pipelined</b> (a queue of at least one record): a thread of its own trains (with {@link
 * TrainerSettings#trainingThreads()} - 1 {@link KernelThreads helpers} sharing each step), so that
 * the stream thread's Kafka work — polling, parsing, logging each record, the commit's flush — runs
 * beside the training steps instead of between them. The queue bounds how far the stream thread
 * runs ahead; when it is full, {@link #learn} waits. Exactly-once is unchanged: every record is in
 * the replay log before it is queued, and a checkpoint names the last record it holds ({@link
 * Checkpoint#throughSequence()}), so the stores always hold a checkpoint plus the log after it,
 * whichever records the thread has learned at a commit. What a model learns does not depend on the
 * thread either: the records arrive in log order, and the snapshot and checkpoint rules read the
 * stream thread's clock as each record or tick was queued. Only when outputs reach the processor
 * changes: at its next record or timer, instead of within the record that made them.
 *
 * <p>The training thread yields between records while the server in this process answers late
 * ({@link ServingPriority}); the time it yields is {@link #yieldedSeconds}.
 *
 * <p><b>Inline</b> (a queue of 0): the caller's thread trains within {@link #learn}, and {@link
 * #drain} then returns its outputs at once.
 *
 * <p>Learn, tick, drain and close from one thread (the stream thread); {@link Learner}s are owned
 * by the loop once queued.
 */
final class TrainingLoop implements TrainingQueue, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);

  /** How long a full or stopping queue is waited on before the training thread is checked. */
  private static final long WAIT_MILLIS = 100;

  private final TrainerSettings settings;
  private final Duration idle;
  private final ServingPriority priority;
  private final Map<String, Learner> learners = new LinkedHashMap<>();
  private final Queue<Output> outbox = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<Command> inbox;
  private final Thread thread;
  private final String task;
  private volatile Throwable failure;

  /** Written by the training thread only. */
  private volatile long starvedNanos;

  /** Written by the stream thread only. */
  private volatile long fullNanos;

  /** Written by the training thread only. */
  private volatile long yieldedNanos;

  /** The training thread's CPU time as last read by {@link #cpuSeconds}; -1 before any. */
  private final AtomicLong cpuNanos = new AtomicLong(-1);

  /** As below, never yielding to a server. */
  TrainingLoop(TrainerSettings settings, Duration idle, String task) {
    this(settings, idle, task, ServingPriority.NONE);
  }

  /**
   * @param idle how long a model's records must have stopped for it to publish at the next tick
   * @param task the task it trains for; its training thread is {@code mlp-training-<task>}, if
   *     {@link TrainerSettings#trainingQueue()} asks for one
   * @param priority when the training thread yields to the server; inline, the stream thread never
   *     does (it would hold up Kafka's work too)
   */
  TrainingLoop(TrainerSettings settings, Duration idle, String task, ServingPriority priority) {
    this.settings = settings;
    this.idle = idle;
    this.task = task;
    this.priority = priority;
    if (settings.trainingQueue() == 0) {
      this.inbox = null;
      this.thread = null;
    } else {
      this.inbox = new ArrayBlockingQueue<>(settings.trainingQueue());
      this.thread = new Thread(this::run, "mlp-training-" + task);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Something for the processor to do on the stream thread. */
  sealed interface Output permits Snapshot, Checkpoint {}

  /** A snapshot to forward, with the timestamp of the record or tick that made it. */
  record Snapshot(String model, byte[] bytes, long timestamp) implements Output {}

  /**
   * A checkpoint to store: the model's whole state after the record of sequence {@code
   * throughSequence}, whose log up to there it makes redundant.
   */
  record Checkpoint(String model, List<byte[]> chunks, long bytes, long throughSequence)
      implements Output {}

  private sealed interface Command permits Adopt, Learn, Tick, Stop {}

  private record Adopt(Learner learner) implements Command {}

  private record Learn(
      Learner learner, TrainingRecord record, int bytes, long sequence, long now, long timestamp)
      implements Command {}

  private record Tick(long now) implements Command {}

  private enum Stop implements Command {
    INSTANCE
  }

  /**
   * One model's trainer and what its snapshot and checkpoint rules count. Built on the stream
   * thread (restored by {@link #replay}), then owned by the loop from the first {@link #adopt} or
   * {@link #learn} that names it.
   */
  static final class Learner {
    final String name;
    final ModelTrainer trainer;

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
    long rollbacksPublished;

    /** Sequence of the last record learned or replayed; -1 before any. */
    long lastSequence = -1;

    Learner(String name, ModelTrainer trainer, long checkpointBytes, long now, TrainerObserver o) {
      this.name = name;
      this.trainer = trainer;
      this.checkpointBytes = checkpointBytes;
      trainer.observe(o);
      this.lastCheckpointMillis = now;
      // Never published: the first batch publishes at once, so serving starts without waiting.
      this.lastSnapshotMillis = Long.MIN_VALUE / 2;
      this.rollbacksPublished = trainer.model().rollbacks();
    }

    /**
     * Learns a record of the replay log on restart, counting it as unpublished and not yet
     * checkpointed; call before the learner is adopted.
     */
    void replay(TrainingRecord record, int bytes, long sequence) {
      // whether a snapshot showed it before the restart is unknown: it counts as unpublished, so
      // the next idle or timed snapshot shows it (at worst twice), or serving would miss it until
      // the next record
      learn(record, bytes, sequence);
      // rollbacks of replayed records were logged and published before the restart
      rollbacksPublished = trainer.model().rollbacks();
    }

    /**
     * Learns a logged record and counts it, and the batch it may complete, as not yet published or
     * checkpointed.
     *
     * @return true when it completed a training batch
     */
    boolean learn(TrainingRecord record, int bytes, long sequence) {
      replayBytes += bytes;
      recordsSinceCheckpoint++;
      recordsSinceSnapshot++;
      lastSequence = sequence;
      if (!trainer.accept(record.sample(), record.validation())) {
        return false;
      }
      batchesSinceCheckpoint++;
      batchesSinceSnapshot++;
      return true;
    }

    /**
     * The trainer's whole state, as of the last record learned, as a checkpoint to store; its
     * checkpoint rules count from here.
     */
    Checkpoint checkpoint(long now) {
      ChunkOutputStream bytes = new ChunkOutputStream(TrainerProcessor.CHUNK_BYTES);
      try {
        trainer.checkpointTo(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ChunkOutputStream does not fail
      }
      checkpointBytes = bytes.size();
      replayBytes = 0;
      batchesSinceCheckpoint = 0;
      recordsSinceCheckpoint = 0;
      lastCheckpointMillis = now;
      return new Checkpoint(name, bytes.chunks(), bytes.size(), lastSequence);
    }
  }

  /** Hands a restored learner to the loop, so that ticks see it before its next record. */
  void adopt(Learner learner) {
    post(new Adopt(learner));
  }

  /**
   * Learns a record the processor has logged.
   *
   * @param bytes the record's size in the log
   * @param sequence its sequence in the log
   * @param now the stream thread's clock, for the time-based rules
   * @param timestamp the record's timestamp, for a snapshot it makes
   */
  void learn(
      Learner learner, TrainingRecord record, int bytes, long sequence, long now, long timestamp) {
    post(new Learn(learner, record, bytes, sequence, now, timestamp));
  }

  /** Applies the time-based rules to every model, as of {@code now}. */
  void tick(long now) {
    post(new Tick(now));
  }

  /**
   * Hands over what training produced since the last drain, in order.
   *
   * @throws IllegalStateException after the outputs, if the training thread failed
   */
  void drain(Consumer<Output> sink) {
    for (Output output = outbox.poll(); output != null; output = outbox.poll()) {
      sink.accept(output);
    }
    rethrowFailure();
  }

  /**
   * Waits until the training thread has an output to drain: for the stream thread when it must not
   * run further ahead until a checkpoint comes (the replay log is {@link ReplayLog#full full}). The
   * wait counts as time the queue was full.
   *
   * @throws IllegalStateException inline (outputs come within {@link #learn}), or if the training
   *     thread failed
   */
  void awaitOutput() {
    if (thread == null) {
      throw new IllegalStateException("no training thread to wait for");
    }
    long start = System.nanoTime();
    while (outbox.isEmpty()) {
      rethrowFailure();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        throw new InterruptException(new InterruptedException());
      }
    }
    fullNanos += System.nanoTime() - start;
  }

  @Override
  public String task() {
    return task;
  }

  @Override
  public int queued() {
    return inbox == null ? 0 : inbox.size();
  }

  @Override
  public int capacity() {
    return settings.trainingQueue();
  }

  @Override
  public double starvedSeconds() {
    return starvedNanos / 1e9;
  }

  @Override
  public double fullSeconds() {
    return fullNanos / 1e9;
  }

  @Override
  public double yieldedSeconds() {
    return yieldedNanos / 1e9;
  }

  /**
   * Read from the JVM ({@link ThreadMXBean#getThreadCpuTime}); once the thread has ended, the last
   * value read, so that a counter built on it never goes back.
   */
  @Override
  public double cpuSeconds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos =
        thread != null && threads.isThreadCpuTimeSupported()
            ? threads.getThreadCpuTime(thread.getId())
            : -1;
    long latest = cpuNanos.accumulateAndGet(nanos, Math::max);
    return latest < 0 ? Double.NaN : latest / 1e9;
  }

  /** Whether a thread trains (the queue is not 0). */
  boolean pipelined() {
    return thread != null;
  }

  /**
   * Lets the training thread learn every record queued, then stops it; outputs not drained are
   * dropped (the replay log still holds their records). Returns at once if it failed.
   */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    try {
      while (thread.isAlive() && !inbox.offer(Stop.INSTANCE, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        // full: the thread is still learning; wait again unless it died
      }
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
    if (failure != null) {
      log.warn("training thread {} had failed", thread.getName(), failure);
    }
  }

  private void post(Command command) {
    if (thread == null) {
      handle(command);
      return;
    }
    rethrowFailure();
    if (inbox.offer(command)) {
      return;
    }
    long start = System.nanoTime();
    try {
      while (!inbox.offer(command, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        rethrowFailure();
      }
      fullNanos += System.nanoTime() - start;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void rethrowFailure() {
    Throwable cause = failure;
    if (cause != null) {
      throw new IllegalStateException("training thread " + thread.getName() + " failed", cause);
    }
  }

  private void run() {
    KernelThreads kernels = null;
    try {
      kernels = KernelThreads.bind(settings.trainingThreads(), thread.getName());
      ServingPriority.Turns turns = priority.turns();
      for (Command command = next(); command != Stop.INSTANCE; command = next()) {
        if (command instanceof Learn) {
          long yielded = turns.await();
          if (yielded > 0) {
            yieldedNanos += yielded;
          }
        }
        handle(command);
      }
    } catch (Throwable t) { // an interrupt too: the stream thread rethrows it at its next call
      failure = t;
    } finally {
      if (kernels != null) {
        kernels.close();
      }
    }
  }

  private Command next() throws InterruptedException {
    Command command = inbox.poll();
    if (command == null) {
      long start = System.nanoTime();
      command = inbox.take();
      starvedNanos += System.nanoTime() - start;
    }
    return command;
  }

  private void handle(Command command) {
    if (command instanceof Learn learn) {
      train(learn);
    } else if (command instanceof Tick tick) {
      applyTimeRules(tick.now());
    } else if (command instanceof Adopt adopt) {
      learners.putIfAbsent(adopt.learner().name, adopt.learner());
    }
  }

  private void train(Learn command) {
    Learner learner = command.learner();
    learners.putIfAbsent(learner.name, learner);
    long now = command.now();
    learner.lastRecordMillis = now;
    if (learner.learn(command.record(), command.bytes(), command.sequence())) {
      afterBatch(learner, now, command.timestamp());
    }
    // whether or not a batch completed (validation records complete none): the log must not fill
    if (learner.recordsSinceCheckpoint >= ReplayLog.CHECKPOINT_RECORDS) {
      checkpoint(learner, now);
    }
  }

  /** The snapshot and checkpoint rules after a record that completed a training batch. */
  private void afterBatch(Learner learner, long now, long timestamp) {
    // a rollback is published at once: serving should not keep the state training gave up on
    Model model = learner.trainer.model();
    boolean rolledBack = model.rollbacks() != learner.rollbacksPublished;
    if (rolledBack) {
      log.warn(
          "model '{}' diverged: {}, learning rate now {} (rollback {}; alert TrainingDiverged)",
          learner.name,
          model.lastGoodStep() < 0
              ? "no good state saved yet to go back to"
              : "back to its last good state, of update " + model.lastGoodStep(),
          model.learningRate(),
          model.rollbacks());
    }
    if (learner.batchesSinceSnapshot >= settings.snapshotEveryBatches()
        || elapsed(learner.lastSnapshotMillis, now, settings.snapshotInterval())
        || rolledBack) {
      snapshot(learner, now, timestamp);
    }
    if (learner.batchesSinceCheckpoint >= settings.checkpointEveryBatches()
        || learner.replayBytes >= learner.checkpointBytes
        || elapsed(learner.lastCheckpointMillis, now, settings.checkpointInterval())) {
      checkpoint(learner, now);
    }
  }

  /**
   * Time-based snapshots and checkpoints for models whose records slowed down or stopped (a
   * snapshot as soon as a model is idle): neither changes what a model learns, so wall-clock timing
   * keeps training deterministic.
   */
  private void applyTimeRules(long now) {
    for (Learner learner : learners.values()) {
      if (learner.recordsSinceSnapshot > 0
          && (elapsed(learner.lastRecordMillis, now, idle)
              || elapsed(learner.lastSnapshotMillis, now, settings.snapshotInterval()))) {
        snapshot(learner, now, now);
      }
      if (learner.recordsSinceCheckpoint > 0
          && elapsed(learner.lastCheckpointMillis, now, settings.checkpointInterval())) {
        checkpoint(learner, now);
      }
    }
  }

  private static boolean elapsed(long since, long now, Duration interval) {
    return now - since >= interval.toMillis();
  }

  private void snapshot(Learner learner, long now, long timestamp) {
    outbox.add(new Snapshot(learner.name, learner.trainer.snapshot(now).toBytes(), timestamp));
    learner.batchesSinceSnapshot = 0;
    learner.recordsSinceSnapshot = 0;
    learner.lastSnapshotMillis = now;
    learner.rollbacksPublished = learner.trainer.model().rollbacks();
  }

  private void checkpoint(Learner learner, long now) {
    outbox.add(learner.checkpoint(now));
  }
}
