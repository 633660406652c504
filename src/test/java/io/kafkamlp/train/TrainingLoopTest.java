package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training loop: a training thread must give exactly what training inline gives. */
class TrainingLoopTest {

  /** Checkpoint every 3 batches, snapshot every 2; no time triggers but the idle one. */
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(0.2, 0, 10, 3, Duration.ofDays(1), 2, Duration.ofDays(1));

  private static final Duration IDLE = Duration.ofSeconds(2);

  /**
   * What a loop produced, in order, the trainer's final state, and the time its training thread
   * yielded.
   */
  private record Outcome(List<String> outputs, byte[] checkpoint, double yieldedSeconds) {}

  private static Outcome run(TrainerSettings settings) {
    return run(settings, ServingPriority.NONE);
  }

  /**
   * Feeds 150 records (every fifth validation), 40 at each clock reading, ticks 2.5 s after every
   * 40th (the model is then idle), drains after every record.
   */
  private static Outcome run(TrainerSettings settings, ServingPriority priority) {
    List<Sample> data = ModelTrainerTest.samples(150, 21);
    ModelTrainer trainer = new ModelTrainer("default", TrainerProcessorTest.SPEC, SETTINGS);
    TrainingLoop.Learner learner =
        new TrainingLoop.Learner(
            "default", trainer, trainer.checkpoint().length, 0, TrainerObserver.NONE);
    List<String> outputs = new ArrayList<>();
    double yielded;
    try (TrainingLoop loop = new TrainingLoop(settings, IDLE, "9_9", priority)) {
      for (int i = 0; i < data.size(); i++) {
        TrainingRecord record = new TrainingRecord(data.get(i), i % 5 == 0);
        long now = 3_000L * (i / 40);
        loop.learn(learner, record, record.toBytes().length, i, now, 1_000L + i);
        if (i % 40 == 39) {
          loop.tick(now + 2_500);
        }
        loop.drain(output -> outputs.add(describe(output)));
      }
      loop.close();
      loop.drain(output -> outputs.add(describe(output)));
      yielded = loop.yieldedSeconds();
    }
    return new Outcome(outputs, trainer.checkpoint(), yielded);
  }

  private static String describe(TrainingLoop.Output output) {
    if (output instanceof TrainingLoop.Snapshot s) {
      ModelSnapshot snapshot = ModelSnapshot.fromBytes(s.bytes());
      return "snapshot v" + snapshot.version() + " at " + s.timestamp();
    }
    TrainingLoop.Checkpoint c = (TrainingLoop.Checkpoint) output;
    int bytes = c.chunks().stream().mapToInt(chunk -> chunk.length).sum();
    assertEquals(c.bytes(), bytes, "chunk sizes add up");
    return "checkpoint through " + c.throughSequence() + ", " + bytes + " bytes";
  }

  /** A new model's learner, its checkpoint-size trigger out of reach. */
  private static TrainingLoop.Learner learner() {
    ModelTrainer trainer = new ModelTrainer("default", TrainerProcessorTest.SPEC, SETTINGS);
    return new TrainingLoop.Learner("default", trainer, 1 << 20, 0, TrainerObserver.NONE);
  }

  @Test
  void shouldProduceWhatInlineTrainingProducesWhenPipelined() {
    Outcome inline = run(SETTINGS.withTrainingQueue(0));
    assertTrue(inline.outputs().size() > 10, "snapshots and checkpoints: " + inline.outputs());
    // batches of 4 training records; records 0, 5, 10, ... are validation
    assertEquals("snapshot v1 at 1004", inline.outputs().get(0), "the first batch publishes");
    assertTrue(
        inline.outputs().stream().anyMatch(o -> o.startsWith("checkpoint through 14,")),
        "the third batch ends at record 14: " + inline.outputs());

    for (TrainerSettings pipelined :
        List.of(
            SETTINGS.withTrainingQueue(1),
            SETTINGS.withTrainingQueue(7),
            SETTINGS.withTrainingQueue(1024),
            SETTINGS.withTrainingQueue(7).withTrainingThreads(3))) {
      Outcome outcome = run(pipelined);
      assertEquals(inline.outputs(), outcome.outputs(), pipelined.toString());
      assertArrayEquals(inline.checkpoint(), outcome.checkpoint(), pipelined.toString());
    }
  }

  @Test
  void shouldProduceTheSameWhenItsTrainingThreadYieldsToAServerBehind() {
    Outcome inline = run(SETTINGS.withTrainingQueue(0));
    ServingPriority priority = new ServingPriority(Duration.ofMillis(20));
    // 10 s late: the thread yields from its first record until that answer is stale (most of
    // FRESH: the answer ages while the loop starts)
    priority.answered(10_000);

    Outcome yielding = run(SETTINGS.withTrainingQueue(7), priority);

    assertEquals(inline.outputs(), yielding.outputs());
    assertArrayEquals(inline.checkpoint(), yielding.checkpoint());
    assertTrue(
        yielding.yieldedSeconds() > ServingPriority.FRESH.toNanos() / 1e9 / 2,
        "yielded " + yielding.yieldedSeconds() + " s");
    assertEquals(0, inline.yieldedSeconds(), "inline, the stream thread never yields");
  }

  @Test
  void shouldStartHelpersForTheTrainingThreadAndStopThemWhenClosed() {
    TrainingLoop.Learner learner = learner();
    TrainingLoop loop =
        new TrainingLoop(SETTINGS.withTrainingQueue(4).withTrainingThreads(3), IDLE, "8_8");
    loop.learn(
        learner, new TrainingRecord(ModelTrainerTest.samples(1, 25).get(0), false), 1, 0, 0, 0);
    List<Thread> helpers = new ArrayList<>();
    for (int attempt = 0; attempt < 100 && helpers.size() < 2; attempt++) {
      helpers.clear();
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().startsWith("mlp-training-8_8-helper-")) {
          helpers.add(thread);
        }
      }
      sleep(10);
    }
    assertEquals(2, helpers.size(), "two helpers of the training thread: " + helpers);

    loop.close();

    for (Thread helper : helpers) {
      assertFalse(helper.isAlive(), helper.getName() + " stopped with the loop");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldLearnEveryQueuedRecordBeforeClosing() {
    List<Sample> data = ModelTrainerTest.samples(400, 22);
    TrainingLoop.Learner learner = learner();
    ModelTrainer trainer = learner.trainer;
    TrainingLoop loop = new TrainingLoop(SETTINGS.withTrainingQueue(64), IDLE, "9_9");
    assertTrue(loop.pipelined());
    for (int i = 0; i < data.size(); i++) {
      loop.learn(learner, new TrainingRecord(data.get(i), false), 100, i, 0, 0);
    }
    loop.close();
    assertEquals(400, trainer.samplesTrained());
    assertEquals(399, learner.lastSequence);
  }

  @Test
  void shouldCountTheTimeEachSideWaitedForTheOtherAndTheTrainingThreadsCpu()
      throws InterruptedException {
    TrainingLoop.Learner learner = learner();
    long start = System.nanoTime();
    TrainingLoop loop = new TrainingLoop(SETTINGS.withTrainingQueue(4), IDLE, "9_9");
    assertEquals("9_9", loop.task());
    assertEquals(4, loop.capacity());
    Thread.sleep(100); // no records: the training thread waits
    List<Sample> data = ModelTrainerTest.samples(400, 24);
    for (int i = 0; i < data.size(); i++) {
      // far faster than training: the queue fills and the stream thread waits
      loop.learn(learner, new TrainingRecord(data.get(i), false), 100, i, 0, 0);
      assertTrue(loop.queued() <= 4);
    }
    double cpu = loop.cpuSeconds();
    double wall = (System.nanoTime() - start) / 1e9;
    loop.close();

    // it trained, on a core, but not while it waited for the first records
    assertTrue(cpu > 0 && cpu < wall - 0.05, "cpu " + cpu + " s in " + wall + " s");
    assertTrue(loop.cpuSeconds() >= cpu, "the thread has ended: its last value, never less");
    assertTrue(loop.starvedSeconds() >= 0.09, "starved " + loop.starvedSeconds() + " s");
    assertTrue(loop.fullSeconds() > 0, "full " + loop.fullSeconds() + " s");
    assertEquals(0, loop.queued());
  }

  @Test
  void shouldRethrowOnTheStreamThreadWhenTrainingFails() {
    TrainingLoop.Learner learner = learner();
    ModelTrainer trainer = learner.trainer;
    TrainingLoop loop = new TrainingLoop(SETTINGS.withTrainingQueue(4), IDLE, "9_9");
    // a sample of the wrong width: the router never lets one through; here it stands for a bug
    Sample wrong = new Sample("default", new float[3], TargetKind.LABEL, new float[] {1});
    loop.learn(learner, new TrainingRecord(wrong, false), 100, 0, 0, 0);

    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () -> {
              for (int i = 0; i < 1_000; i++) {
                loop.drain(output -> {});
                Thread.sleep(10);
              }
            });
    assertTrue(failure.getMessage().contains("mlp-training-9_9"), failure.getMessage());
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertThrows(
        IllegalStateException.class,
        () -> loop.learn(learner, new TrainingRecord(wrong, false), 100, 1, 0, 0),
        "a failed loop takes no more records");
    loop.close(); // returns: the thread is gone
    assertEquals(0, trainer.samplesTrained());
  }

  @Test
  void shouldTrainOnTheCallersThreadWhenTheQueueIsZero() {
    TrainingLoop.Learner learner = learner();
    ModelTrainer trainer = learner.trainer;
    TrainingLoop loop = new TrainingLoop(SETTINGS.withTrainingQueue(0), IDLE, "9_9");
    assertFalse(loop.pipelined());
    assertTrue(Double.isNaN(loop.cpuSeconds()), "no thread of its own");
    List<TrainingLoop.Output> outputs = new ArrayList<>();
    for (Sample sample : ModelTrainerTest.samples(4, 23)) {
      loop.learn(learner, new TrainingRecord(sample, false), 100, 0, 0, 7);
    }
    loop.drain(outputs::add);

    assertEquals(4, trainer.samplesTrained(), "learned within learn()");
    assertEquals(1, outputs.size(), "the first batch's snapshot, at once");
    assertSame(TrainingLoop.Snapshot.class, outputs.get(0).getClass());
    assertEquals(7, ((TrainingLoop.Snapshot) outputs.get(0)).timestamp());
  }
}
