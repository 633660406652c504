package io.kafkamlp.serve;

/** Hears what the server does, for metrics; called on its stream threads. */
public interface ServingObserver {

  /** Hears nothing. */
  ServingObserver NONE = new ServingObserver() {};

  /**
   * After a prediction (or a no-model-yet answer) was forwarded.
   *
   * @param latencyMillis from the request record's timestamp to now
   */
  default void onPrediction(String model, boolean answered, long latencyMillis) {}
}
