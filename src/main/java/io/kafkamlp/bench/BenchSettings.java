package io.kafkamlp.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every measurement run shares.
 *
 * @param workDir parent of the runs' directories (broker data, pipeline state and logs)
 * @param pipelineHeap {@code -Xmx} of the pipeline's JVM, e.g. {@code 1g}
 * @param scrapeInterval how often the pipeline's {@code /metrics} is scraped
 * @param timeout longest wait for one phase of a run (training to finish, answers to come)
 * @param validationFraction the pipeline's share of validation records (its default)
 * @param batchSize the default model's mini-batch size (its default)
 * @param pipelineOptions options of {@code kafka-mlp run} added to every pipeline's command line,
 *     e.g. {@code --serving-lag-ms 0}
 */
public record BenchSettings(
    Path workDir,
    String pipelineHeap,
    Duration scrapeInterval,
    Duration timeout,
    double validationFraction,
    int batchSize,
    List<String> pipelineOptions) {

  public BenchSettings {
    pipelineOptions = List.copyOf(pipelineOptions);
  }
}
