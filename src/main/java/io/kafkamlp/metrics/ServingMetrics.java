package io.kafkamlp.metrics;

import io.kafkamlp.serve.ServingObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prediction meters: {@code mlp_predictions_total} and {@code mlp_prediction_latency_seconds}. */
public final class ServingMetrics implements ServingObserver {

  private final MeterRegistry registry;
  private final Map<String, Counter> predictions = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();

  public ServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void onPrediction(String model, boolean answered, long latencyMillis) {
    String status = answered ? "predicted" : "no-model-yet";
    predictions
        .computeIfAbsent(
            model + "/" + status,
            key ->
                Counter.builder("mlp.predictions")
                    .description("Prediction requests answered")
                    .tag("model", model)
                    .tag("status", status)
                    .register(registry))
        .increment();
    latency
        .computeIfAbsent(
            model,
            key ->
                Timer.builder("mlp.prediction.latency")
                    .description("From the request record's timestamp to its prediction")
                    .tag("model", model)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(Duration.ofMillis(Math.max(0, latencyMillis)));
  }
}
