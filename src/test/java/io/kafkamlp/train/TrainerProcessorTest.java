package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The trainer processor's checkpoint and replay log, driven by hand. */
class TrainerProcessorTest {

  static final ModelSpec SPEC = ModelTrainerTest.SPEC;

  /** Checkpoint every 3 batches, snapshot every 2; no time triggers; training inline. */
  static final TrainerSettings SETTINGS =
      new TrainerSettings(0.2, 0, 10, 3, Duration.ofDays(1), 2, Duration.ofDays(1))
          .withTrainingQueue(0);

  /** The same with a training thread that may run 8 records behind. */
  static final TrainerSettings PIPELINED = SETTINGS.withTrainingQueue(8);

  /** The stores as Kafka Streams would restore them from their changelogs. */
  private final KeyValueStore<String, byte[]> checkpoints =
      store(TrainerProcessor.CHECKPOINT_STORE);

  private final KeyValueStore<String, byte[]> replay = store(TrainerProcessor.REPLAY_STORE);

  /** An in-memory store without a changelog, as the trainer's stores restored. */
  static KeyValueStore<String, byte[]> store(String name) {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled()
        .build();
  }

  /** A processor life: a new processor over the same stores. */
  private TrainerProcessor start(
      TrainerRegistry registry, MockProcessorContext<byte[], byte[]> context) {
    return start(registry, context, SETTINGS);
  }

  private TrainerProcessor start(
      TrainerRegistry registry,
      MockProcessorContext<byte[], byte[]> context,
      TrainerSettings settings) {
    checkpoints.init(context.getStateStoreContext(), checkpoints);
    replay.init(context.getStateStoreContext(), replay);
    context.addStateStore(checkpoints);
    context.addStateStore(replay);
    TrainerProcessor processor = new TrainerProcessor(Map.of("default", SPEC), settings, registry);
    processor.init(context);
    return processor;
  }

  private static Record<byte[], byte[]> record(Sample sample, boolean validation) {
    return new Record<>(
        "default".getBytes(StandardCharsets.UTF_8),
        new TrainingRecord(sample, validation).toBytes(),
        0L);
  }

  @Test
  void shouldEndWithSameBitsWhenRestartedBetweenAnyRecords() {
    assertArrayEquals(uninterruptedBits(), bitsOfLives(SETTINGS));
  }

  @Test
  void shouldEndWithSameBitsWhenPipelinedLivesEndBetweenAnyRecords() {
    // Whatever the training thread had learned, stored or not when a life ended, its stores hold
    // a checkpoint and the log after it.
    byte[] expected = uninterruptedBits();
    for (int run = 0; run < 5; run++) {
      assertArrayEquals(expected, bitsOfLives(PIPELINED), "run " + run);
    }
  }

  /** The bits after 100 records (every fifth validation) in one life, trained inline. */
  private byte[] uninterruptedBits() {
    TrainerRegistry uninterrupted = new TrainerRegistry();
    MockProcessorContext<byte[], byte[]> onlyLife = new MockProcessorContext<>();
    onlyLife.setCurrentSystemTimeMs(0);
    TrainerProcessor single = start(uninterrupted, onlyLife);
    List<Sample> data = ModelTrainerTest.samples(100, 5);
    for (int i = 0; i < data.size(); i++) {
      single.process(record(data.get(i), i % 5 == 0));
    }
    return uninterrupted.trainers().get("default").checkpoint();
  }

  /**
   * The bits after the same 100 records in four lives over fresh stores, cut at arbitrary points,
   * mid-batch and mid-checkpoint-cycle; a pipelined life also drains at every tenth record.
   */
  private static byte[] bitsOfLives(TrainerSettings settings) {
    List<Sample> data = ModelTrainerTest.samples(100, 5);
    KeyValueStore<String, byte[]> freshCheckpoints = store(TrainerProcessor.CHECKPOINT_STORE);
    KeyValueStore<String, byte[]> freshReplay = store(TrainerProcessor.REPLAY_STORE);
    int[] cuts = {0, 17, 46, 71, 100};
    TrainerRegistry last = null;
    for (int life = 0; life < 4; life++) {
      MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
      context.setCurrentSystemTimeMs(0);
      freshCheckpoints.init(context.getStateStoreContext(), freshCheckpoints);
      freshReplay.init(context.getStateStoreContext(), freshReplay);
      context.addStateStore(freshCheckpoints);
      context.addStateStore(freshReplay);
      last = new TrainerRegistry();
      TrainerProcessor processor = new TrainerProcessor(Map.of("default", SPEC), settings, last);
      processor.init(context);
      for (int i = cuts[life]; i < cuts[life + 1]; i++) {
        processor.process(record(data.get(i), i % 5 == 0));
        if (i % 10 == 0 && context.scheduledPunctuators().size() > 1) {
          context.scheduledPunctuators().get(1).getPunctuator().punctuate(0);
        }
      }
      last.beginShutdown();
      processor.close();
    }
    return last.trainers().get("default").checkpoint();
  }

  @Test
  void shouldEmptyReplayLogWhenCheckpointing() {
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerProcessor processor = start(new TrainerRegistry(), context);
    // 3 batches of 4 training records trigger the first checkpoint.
    ModelTrainerTest.samples(12, 6).forEach(s -> processor.process(record(s, false)));

    assertEquals(List.of(), logged(replay), "replay log after a checkpoint");
    assertTrue(checkpoints.approximateNumEntries() >= 2, "chunks and meta");
    processor.process(record(ModelTrainerTest.samples(1, 7).get(0), false));
    assertEquals(List.of(12L), logged(replay));
  }

  @Test
  void shouldCheckpointWithinTheReplayLogsRecordsWhateverTheOtherRules() {
    // No count, size or time rule fires: validation records complete no batch.
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerRegistry registry = new TrainerRegistry();
    TrainerProcessor processor = start(registry, context);
    int records = ReplayLog.CHECKPOINT_RECORDS + 10;
    List<Sample> data = ModelTrainerTest.samples(records, 10);
    data.forEach(s -> processor.process(record(s, true)));

    assertEquals(10, logged(replay).size(), "records after the checkpoint");
    assertEquals(ReplayLog.CHECKPOINT_RECORDS, logged(replay).get(0));
    // the ring's keys are reused: the store holds no more records than the log can
    assertTrue(replay.approximateNumEntries() <= ReplayLog.SLOTS + 1);
    processor.close();
  }

  @Test
  void shouldWaitForACheckpointWhenTheQueueOutrunsTheReplayLog() {
    // A training thread allowed further behind than the log holds: the stream thread waits for its
    // checkpoints instead of overwriting records the stores still need.
    TrainerSettings longQueue = SETTINGS.withTrainingQueue(2 * ReplayLog.SLOTS);
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerRegistry registry = new TrainerRegistry();
    TrainerProcessor processor = start(registry, context, longQueue);
    List<Sample> data = ModelTrainerTest.samples(3 * ReplayLog.SLOTS, 11);
    for (int i = 0; i < data.size(); i++) {
      processor.process(record(data.get(i), i % 5 == 0));
      assertTrue(logged(replay).size() <= ReplayLog.SLOTS, "log at record " + i);
    }
    registry.beginShutdown();
    processor.close();
    byte[] expected = registry.trainers().get("default").checkpoint();

    // and the stores it left restore to the same bits
    TrainerRegistry restarted = new TrainerRegistry();
    MockProcessorContext<byte[], byte[]> next = new MockProcessorContext<>();
    next.setCurrentSystemTimeMs(0);
    start(restarted, next);
    assertArrayEquals(expected, restarted.trainers().get("default").checkpoint());
  }

  @Test
  void shouldFoldAReplayLogOfTheEarlierLayoutIntoACheckpoint() {
    // Given: stores of the earlier layout, a key per sequence and no checkpoint yet
    List<Sample> data = ModelTrainerTest.samples(40, 12);
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    checkpoints.init(context.getStateStoreContext(), checkpoints);
    replay.init(context.getStateStoreContext(), replay);
    for (int i = 0; i < 25; i++) {
      String digits = Long.toString(i);
      replay.put(
          "default\u0000" + "0".repeat(19 - digits.length()) + digits,
          record(data.get(i), i % 5 == 0).value());
    }

    // When: a processor restores them and learns the rest
    TrainerRegistry registry = new TrainerRegistry();
    TrainerProcessor processor = start(registry, context);
    assertEquals(List.of(), logged(replay), "folded into a checkpoint");
    assertTrue(checkpoints.approximateNumEntries() >= 2, "chunks and meta");
    for (int i = 25; i < data.size(); i++) {
      processor.process(record(data.get(i), i % 5 == 0));
    }

    // Then: the old keys are gone, and the model is the one that learned all 40 in one life
    try (var all = replay.all()) {
      all.forEachRemaining(kv -> assertTrue(kv.key.matches("default\u0000(r\\d+|head)"), kv.key));
    }
    TrainerRegistry uninterrupted = new TrainerRegistry();
    MockProcessorContext<byte[], byte[]> onlyLife = new MockProcessorContext<>();
    onlyLife.setCurrentSystemTimeMs(0);
    TrainerProcessor single =
        new TrainerProcessor(Map.of("default", SPEC), SETTINGS, uninterrupted);
    KeyValueStore<String, byte[]> freshCheckpoints = store(TrainerProcessor.CHECKPOINT_STORE);
    KeyValueStore<String, byte[]> freshReplay = store(TrainerProcessor.REPLAY_STORE);
    freshCheckpoints.init(onlyLife.getStateStoreContext(), freshCheckpoints);
    freshReplay.init(onlyLife.getStateStoreContext(), freshReplay);
    onlyLife.addStateStore(freshCheckpoints);
    onlyLife.addStateStore(freshReplay);
    single.init(onlyLife);
    for (int i = 0; i < data.size(); i++) {
      single.process(record(data.get(i), i % 5 == 0));
    }
    assertArrayEquals(
        uninterrupted.trainers().get("default").checkpoint(),
        registry.trainers().get("default").checkpoint());
  }

  /** The sequences the default model's replay log holds, in order. */
  private static List<Long> logged(KeyValueStore<String, byte[]> store) {
    List<Long> sequences = new ArrayList<>();
    ReplayLog.open(store, "default").forEach((bytes, sequence) -> sequences.add(sequence));
    return sequences;
  }

  @Test
  void shouldCheckpointWhenReplayLogHoldsAsManyBytesAsTheCheckpoint() {
    // No count or time trigger: only the replay log's size makes checkpoints.
    TrainerSettings bySize =
        new TrainerSettings(
                0.2, 0, 10, Integer.MAX_VALUE, Duration.ofDays(1), 2, Duration.ofDays(1))
            .withTrainingQueue(0);
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerRegistry registry = new TrainerRegistry();
    TrainerProcessor processor = start(registry, context, bySize);
    ModelTrainer trainer = null;
    int recordBytes = record(ModelTrainerTest.samples(1, 9).get(0), false).value().length;
    int batch = SPEC.batchSize();
    long largestLog = 0;
    for (Sample sample : ModelTrainerTest.samples(400, 9)) {
      processor.process(record(sample, false));
      trainer = registry.trainers().get("default");
      long logBytes = (long) logged(replay).size() * recordBytes;
      largestLog = Math.max(largestLog, logBytes);
      // the log is cut at the batch that makes it as big as the checkpoint
      assertTrue(
          logBytes < trainer.checkpoint().length + batch * recordBytes,
          "replay log of " + logBytes + " bytes");
    }
    assertTrue(bytes(checkpoints) > 0, "checkpointed");
    assertTrue(largestLog > 0.5 * bytes(checkpoints), "log kept until it nears the checkpoint");

    // and a restart from these stores is exactly where the processor was
    byte[] expected = trainer.checkpoint();
    registry.beginShutdown();
    processor.close();
    TrainerRegistry restarted = new TrainerRegistry();
    MockProcessorContext<byte[], byte[]> next = new MockProcessorContext<>();
    next.setCurrentSystemTimeMs(0);
    start(restarted, next, bySize);
    assertArrayEquals(expected, restarted.trainers().get("default").checkpoint());
  }

  private static long bytes(KeyValueStore<String, byte[]> store) {
    long total = 0;
    try (var all = store.all()) {
      while (all.hasNext()) {
        total += all.next().value.length;
      }
    }
    return total;
  }

  @Test
  void shouldPublishReplayedRecordsWhenIdleAfterRestart() {
    // Given: a life that learned a batch (published) and 2 records of the next, then died before
    // the idle snapshot that would have shown them
    MockProcessorContext<byte[], byte[]> first = new MockProcessorContext<>();
    first.setCurrentSystemTimeMs(0);
    TrainerProcessor dead = start(new TrainerRegistry(), first);
    ModelTrainerTest.samples(6, 9).forEach(s -> dead.process(record(s, false)));
    assertEquals(4, lastSnapshotSeen(first), "the first batch's snapshot");

    // When: the next life restores them from the replay log, and no record comes
    MockProcessorContext<byte[], byte[]> next = new MockProcessorContext<>();
    next.setCurrentSystemTimeMs(1_000);
    start(new TrainerRegistry(), next);
    long idle = 1_000 + TrainerProcessor.IDLE.toMillis();
    next.setCurrentSystemTimeMs(idle);
    next.scheduledPunctuators().get(0).getPunctuator().punctuate(idle);

    // Then: a snapshot shows all 6 (without it, serving would never see the last 2)
    assertEquals(6, lastSnapshotSeen(next));
  }

  @Test
  void shouldWaitTwiceTheCommitIntervalBeforeCallingAModelIdle() {
    String guarantee = "processing.guarantee";
    String commit = "commit.interval.ms";
    assertEquals(TrainerProcessor.IDLE, TrainerProcessor.idlePause(Map.of()));
    assertEquals(
        TrainerProcessor.IDLE,
        TrainerProcessor.idlePause(Map.of(guarantee, "exactly_once_v2", commit, 100)));
    assertEquals(
        Duration.ofSeconds(6),
        TrainerProcessor.idlePause(Map.of(guarantee, "exactly_once_v2", commit, 3000)));
    assertEquals(
        Duration.ofSeconds(3),
        TrainerProcessor.idlePause(Map.of(guarantee, "exactly_once_v2", commit, "1500")));
    // at least once, records come as they are written, not in bursts one commit apart
    assertEquals(
        TrainerProcessor.IDLE,
        TrainerProcessor.idlePause(Map.of(guarantee, "at_least_once", commit, 30_000)));
  }

  /** The normalizer count (training records seen) of the last snapshot forwarded; -1 if none. */
  private static long lastSnapshotSeen(MockProcessorContext<byte[], byte[]> context) {
    List<MockProcessorContext.CapturedForward<? extends byte[], ? extends byte[]>> forwarded =
        context.forwarded();
    if (forwarded.isEmpty()) {
      return -1;
    }
    ModelSnapshot last =
        ModelSnapshot.fromBytes(forwarded.get(forwarded.size() - 1).record().value());
    return RunningStandardizer.fromBytes(last.normalizer()).count();
  }

  @Test
  void shouldForwardTheSnapshotsOfInlineTrainingWhenPipelined() throws InterruptedException {
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerProcessor processor = start(new TrainerRegistry(), context, PIPELINED);
    ModelTrainerTest.samples(20, 8).forEach(s -> processor.process(record(s, false)));

    // the training thread's snapshots reach the stream thread at its drain punctuation
    var drain = context.scheduledPunctuators().get(1);
    assertEquals(TrainerProcessor.DRAIN, drain.getInterval());
    for (int wait = 0; wait < 500 && context.forwarded().size() < 3; wait++) {
      drain.getPunctuator().punctuate(0);
      Thread.sleep(10);
    }

    List<ModelSnapshot> snapshots =
        context.forwarded().stream().map(f -> ModelSnapshot.fromBytes(f.record().value())).toList();
    assertEquals(List.of(1L, 3L, 5L), snapshots.stream().map(ModelSnapshot::version).toList());
    assertEquals(20, snapshots.get(2).samplesTrained());
    processor.close();
  }

  @Test
  void shouldForwardSnapshotAtFirstBatchThenEverySecondBatch() {
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    TrainerProcessor processor = start(new TrainerRegistry(), context);

    ModelTrainerTest.samples(20, 8).forEach(s -> processor.process(record(s, false)));

    List<ModelSnapshot> snapshots =
        context.forwarded().stream().map(f -> ModelSnapshot.fromBytes(f.record().value())).toList();
    assertEquals(List.of(1L, 3L, 5L), snapshots.stream().map(ModelSnapshot::version).toList());
    assertEquals(20, snapshots.get(2).samplesTrained());
  }
}
