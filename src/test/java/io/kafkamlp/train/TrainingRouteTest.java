package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRouteTest {

  @TempDir Path stateDir;

  @Test
  void shouldGoStraightOnlyWhenSamplesHasOnePartition() {
    assertEquals(TrainingRoute.DIRECT, TrainingRoute.forSamplesPartitions(1));
    assertEquals(TrainingRoute.BY_MODEL, TrainingRoute.forSamplesPartitions(2));
    assertEquals(TrainingRoute.BY_MODEL, TrainingRoute.forSamplesPartitions(64));
    assertThrows(IllegalArgumentException.class, () -> TrainingRoute.forSamplesPartitions(0));
  }

  @Test
  void shouldRefuseToTrainStraightInTheTaskOfASecondPartition() {
    // samples gained a partition while a DIRECT trainer ran: a second copy of every model would
    // start in the new task. The processor refuses to start there, saying what to do.
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> start(TrainingRoute.DIRECT, new TaskId(0, 1)));

    assertTrue(e.getMessage().contains("samples has gained partitions"), e.getMessage());
    assertTrue(e.getMessage().contains("--application-id"), e.getMessage());
  }

  @Test
  void shouldTrainInTheTaskOfAnyPartitionWhenRepartitionedOrOfTheFirstWhenStraight() {
    start(TrainingRoute.BY_MODEL, new TaskId(1, 3));
    start(TrainingRoute.DIRECT, new TaskId(0, 0));
  }

  /** Inits a trainer of the route in the task; its stores are in-memory and unlogged. */
  private void start(TrainingRoute route, TaskId task) {
    File dir = stateDir.resolve(task.toString()).toFile();
    MockProcessorContext<byte[], byte[]> context =
        new MockProcessorContext<>(new Properties(), task, dir);
    context.setCurrentSystemTimeMs(0);
    for (String name :
        new String[] {TrainerProcessor.CHECKPOINT_STORE, TrainerProcessor.REPLAY_STORE}) {
      KeyValueStore<String, byte[]> store = TrainerProcessorTest.store(name);
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    new TrainerProcessor(
            Map.of("default", TrainerProcessorTest.SPEC),
            TrainerProcessorTest.SETTINGS,
            new TrainerRegistry(),
            TrainerObserver.NONE,
            route,
            new RoutedRecords())
        .init(context);
  }
}
