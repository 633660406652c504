package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.train.TrainerSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The trainer's command-line options reach its settings. */
class TrainerOptionsTest {

  private static TrainerSettings settings(String... args) {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    return run.options.settings();
  }

  @Test
  void shouldUseTheDefaultSettingsWhenNoOptionIsGiven() {
    assertEquals(TrainerSettings.defaults(), settings());
  }

  @Test
  void shouldSetTheTrainingThreadsAndQueueWhenGiven() {
    TrainerSettings settings = settings("--training-threads", "3", "--training-queue", "16");

    assertEquals(TrainerSettings.defaults().withTrainingQueue(16).withTrainingThreads(3), settings);
  }

  @Test
  void shouldSetTheServingLagWhenGivenZeroToNeverYield() {
    assertEquals(Duration.ofMillis(20), settings().servingLag());
    assertEquals(Duration.ofMillis(45), settings("--serving-lag-ms", "45").servingLag());
    assertEquals(Duration.ZERO, settings("--serving-lag-ms", "0").servingLag());
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> settings("--serving-lag-ms", "-1"));
    assertTrue(negative.getMessage().contains("serving lag"), negative.getMessage());
  }
}
