package io.kafkamlp.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by the benchmark's two JVMs, in seconds: the pipeline's (every thread of {@code
 * run}: the stream threads, their Kafka clients, the JIT, the garbage collector) and the
 * benchmark's own (the embedded broker, the producer, the scrapes and, in a passthrough run, the
 * Kafka Streams application). Between two readings it says how much of the machine a run used,
 * which the noise of a shared machine moves far less than the rates.
 *
 * @param pipelineSeconds the pipeline JVM's CPU time; NaN when not known
 * @param benchSeconds this JVM's CPU time; NaN when not known
 */
public record CpuUse(double pipelineSeconds, double benchSeconds) {

  /** Nothing measured. */
  public static final CpuUse UNKNOWN = new CpuUse(Double.NaN, Double.NaN);

  /** Both JVMs' CPU time. */
  public double totalSeconds() {
    return pipelineSeconds + benchSeconds;
  }

  /** The CPU time used since {@code earlier}. */
  public CpuUse since(CpuUse earlier) {
    return new CpuUse(
        pipelineSeconds - earlier.pipelineSeconds, benchSeconds - earlier.benchSeconds);
  }

  /** Microseconds of CPU (both JVMs) per unit of work, e.g. per sample learned. */
  public double microsPer(double units) {
    return microsPer(totalSeconds(), units);
  }

  /** Microseconds of CPU per unit of work, from {@code seconds} of CPU for {@code units}. */
  public static double microsPer(double seconds, double units) {
    return seconds * 1e6 / units;
  }

  /** This JVM's CPU time so far (all its threads), in seconds; NaN where the JVM does not say. */
  public static double thisJvmSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? Double.NaN : nanos / 1e9;
    }
    return Double.NaN;
  }
}
