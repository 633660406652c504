package io.kafkamlp.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainers this instance owns, shared between the trainer processors and the application that
 * runs them, so that a clean shutdown can publish a final snapshot of each.
 *
 * <p>A processor registers its trainers; when its task closes it unregisters them, unless {@link
 * #beginShutdown()} was called first: then they stay, holding exactly the state Kafka Streams
 * committed on close, for the application to snapshot. A task that moved to another instance during
 * a rebalance is gone from here, so its older state is never published.
 */
public final class TrainerRegistry {

  private final Map<String, ModelTrainer> trainers = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;

  void register(ModelTrainer trainer) {
    trainers.put(trainer.name(), trainer);
  }

  void unregister(ModelTrainer trainer) {
    if (!shuttingDown) {
      trainers.remove(trainer.name(), trainer);
    }
  }

  /** Call before closing the Kafka Streams instance that runs the trainers. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  /**
   * The trainers by model name. Read them only while no processor runs them: after the Kafka
   * Streams instance closed, or from tests.
   */
  public Map<String, ModelTrainer> trainers() {
    return Map.copyOf(trainers);
  }
}
