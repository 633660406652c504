/**
 * Observability of training and serving: Micrometer meters for Prometheus scrapes ({@link
 * io.kafkamlp.metrics.TrainingMetrics}, {@link io.kafkamlp.metrics.ServingMetrics}), the HTTP
 * endpoint that serves them ({@link io.kafkamlp.metrics.MetricsServer}), and pictures of what a
 * model has learned ({@link io.kafkamlp.metrics.WeightImage}, first-layer weights as a PNG).
 *
 * <p>Nothing here writes to the console: results go out as meters, HTTP responses or bytes.
 */
package io.kafkamlp.metrics;
