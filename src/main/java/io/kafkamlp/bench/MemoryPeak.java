package io.kafkamlp.bench;

/**
 * The pipeline JVM's memory over one run, from its {@code /metrics}.
 *
 * @param heapUsedBytes largest heap in use seen (all pools)
 * @param liveDataBytes largest live data after a GC seen
 * @param outOfMemory whether the JVM ran out of heap
 */
public record MemoryPeak(double heapUsedBytes, double liveDataBytes, boolean outOfMemory) {

  static MemoryPeak of(MetricsSampler sampler, PipelineProcess pipeline) {
    return new MemoryPeak(sampler.peakHeapUsed(), sampler.peakLiveData(), pipeline.outOfMemory());
  }
}
