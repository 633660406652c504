/**
 * Serving: {@link io.kafkamlp.serve.ModelSnapshot}, what the trainer publishes and the server
 * predicts with; the global-store updater; and {@link io.kafkamlp.serve.PredictorProcessor}, which
 * answers unlabeled records with predictions tagged by the snapshot version.
 */
package io.kafkamlp.serve;
