package io.kafkamlp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training-step kernel's rate from a JMH result file ({@code -rf json}) of {@code
 * TrainStepBenchmark}: for each float-precision batch size and number of threads, the median over
 * every measured iteration of every fork, in samples/s (ops/s, one op being one step, times the
 * batch size).
 *
 * @param batchSize samples per step
 * @param threads threads per step (its {@code threads} parameter; 1 when absent): the benchmark
 *     thread and its {@code KernelThreads} helpers
 * @param samplesPerSecond the median
 * @param forks JMH forks
 * @param iterations measured iterations per fork
 * @param iterationSamplesPerSecond every measured iteration's rate, forks in order
 */
public record Kernel(
    int batchSize,
    int threads,
    double samplesPerSecond,
    int forks,
    int iterations,
    List<Double> iterationSamplesPerSecond) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the rows of {@code TrainStepBenchmark} in float precision (the training path) from a JMH
   * JSON result file; other rows are skipped.
   *
   * @throws IOException if the file cannot be read or is not JSON
   * @throws IllegalArgumentException if a row has a unit other than ops/s
   */
  public static List<Kernel> fromJmhJson(Path file) throws IOException {
    List<Kernel> kernels = new ArrayList<>();
    for (JsonNode row : JSON.readTree(file.toFile())) {
      JsonNode params = row.path("params");
      if (!row.path("benchmark").asText().endsWith("TrainStepBenchmark.trainStep")
          || !params.path("precision").asText("float").equals("float")) {
        continue;
      }
      JsonNode metric = row.path("primaryMetric");
      if (!metric.path("scoreUnit").asText().equals("ops/s")) {
        throw new IllegalArgumentException("expected ops/s, got " + metric.path("scoreUnit"));
      }
      int batch = params.path("batchSize").asInt();
      List<Double> rates = new ArrayList<>();
      for (JsonNode fork : metric.path("rawData")) {
        for (JsonNode iteration : fork) {
          rates.add(iteration.asDouble() * batch);
        }
      }
      kernels.add(
          new Kernel(
              batch,
              params.path("threads").asInt(1),
              Stats.median(rates),
              row.path("forks").asInt(),
              row.path("measurementIterations").asInt(),
              List.copyOf(rates)));
    }
    return kernels;
  }
}
