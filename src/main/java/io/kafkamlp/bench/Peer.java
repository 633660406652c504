package io.kafkamlp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The peer's training-step rate, from the JSON that {@code bench/pytorch_train_step.py --json}
 * writes: {@code {"peer":"PyTorch 1.13.1","threads":1,"results":[{"batch":32,"median":..}]}}, or
 * {@code {"skipped":"why"}} when the peer could not run.
 *
 * @param name the peer and its version, e.g. {@code PyTorch 1.13.1}; null when skipped
 * @param samplesPerSecond median samples/s by batch size; empty when skipped
 * @param skipped why the peer did not run; null when it did
 */
public record Peer(String name, Map<Integer, Double> samplesPerSecond, String skipped) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A peer that did not run, for the reason given. */
  public static Peer skipped(String reason) {
    return new Peer(null, Map.of(), reason);
  }

  /** Reads the peer script's JSON output. */
  public static Peer fromJson(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (root.has("skipped")) {
      return skipped(root.get("skipped").asText());
    }
    Map<Integer, Double> rates = new TreeMap<>();
    for (JsonNode r : root.path("results")) {
      rates.put(r.path("batch").asInt(), r.path("median").asDouble());
    }
    return new Peer(
        root.path("peer").asText() + ", " + root.path("threads").asInt() + " thread(s)",
        Map.copyOf(rates),
        null);
  }
}
