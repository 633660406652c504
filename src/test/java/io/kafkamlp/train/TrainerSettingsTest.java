package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The trainer's settings: the threads per training step. */
class TrainerSettingsTest {

  @Test
  void shouldGiveTheStepAHelperByDefaultOnlyWhenTheMachineHasFourCoresOrMore() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(cores >= 4 ? 2 : 1, TrainerSettings.defaults().trainingThreads());
  }

  @Test
  void shouldChangeOnlyTheThreadsWhenOtherThreadsAreAsked() {
    TrainerSettings settings =
        new TrainerSettings(0.2, 0.01, 10, 3, Duration.ofMinutes(2), 2, Duration.ofSeconds(9))
            .withTrainingQueue(16);

    TrainerSettings three = settings.withTrainingThreads(3);

    assertEquals(3, three.trainingThreads());
    assertEquals(settings, three.withTrainingThreads(settings.trainingThreads()));
  }

  @Test
  void shouldRejectFewerThanOneTrainingThread() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainerSettings.defaults().withTrainingThreads(0));
    assertEquals("training threads must be >= 1, got 0", e.getMessage());
  }
}
