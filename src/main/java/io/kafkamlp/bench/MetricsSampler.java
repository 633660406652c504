package io.kafkamlp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Scrapes a pipeline's {@code /metrics} on a daemon thread every {@code interval} and keeps what
 * the benchmark needs: the peak heap in use ({@code jvm_memory_used_bytes{area="heap"}}, summed
 * over the pools), the peak live data after GC ({@code jvm_gc_live_data_size_bytes}), and the
 * default model's {@code mlp_samples_trained_total} with the time each scrape finished, the CPU
 * time both JVMs had used by then (the pipeline's {@code process_cpu_time_ns_total}, this JVM's
 * own), the time the pipeline's training threads had waited for records ({@code
 * mlp_training_starved_seconds_total}, summed over its tasks), the time the default model's
 * training steps had taken ({@code mlp_train_step_seconds_sum}) and the CPU time its training
 * threads had used ({@code mlp_training_cpu_seconds_total}, summed), every scrape's figures kept
 * for {@link #between}; and the time the training threads had yielded to the server at the last
 * scrape ({@code mlp_training_yielded_seconds_total}, summed).
 *
 * <p>Thread-safe. A scrape that fails (the endpoint not up yet, or gone) is skipped. {@link #close}
 * stops the thread.
 */
public final class MetricsSampler implements AutoCloseable {

  private static final Map<String, String> HEAP = Map.of("area", "heap");
  private static final Map<String, String> DEFAULT_MODEL = Map.of("model", "default");

  /**
   * What the pipeline did between two scrapes.
   *
   * @param samples samples learned
   * @param seconds wall-clock time
   * @param cpu CPU time both JVMs used meanwhile
   * @param starvedSeconds time the training threads waited for records meanwhile; NaN if the
   *     pipeline did not say (training on the stream thread)
   * @param stepSeconds time the default model's training steps took meanwhile (forward, backward,
   *     update; inspections included); NaN if the pipeline did not say
   * @param trainingCpuSeconds CPU time the training threads used meanwhile; NaN if the pipeline did
   *     not say
   */
  public record Span(
      double samples,
      double seconds,
      CpuUse cpu,
      double starvedSeconds,
      double stepSeconds,
      double trainingCpuSeconds) {
    public double samplesPerSecond() {
      return samples / seconds;
    }

    /**
     * Share of the time the training thread waited for records (Kafka's side held it up: polling,
     * parsing, logging, a commit) instead of training: with one training thread, how far the
     * pipeline is from training all the time, collector pauses apart.
     */
    public double starvedShare() {
      return starvedSeconds / seconds;
    }

    /**
     * Share of the time the default model's training steps took: with one training thread and one
     * model, the rest of its time went to normalizing, validation scoring, metrics, waiting for
     * records and the collector's pauses.
     */
    public double stepShare() {
      return stepSeconds / seconds;
    }

    /**
     * Share of the time the training thread was on a core: with {@link #starvedShare} (waiting for
     * records), what is left is the time it was runnable with no core free, or stopped by the
     * collector.
     */
    public double trainingCpuShare() {
      return trainingCpuSeconds / seconds;
    }

    /**
     * Microseconds a training step took per sample learned, to compare with the kernel's JMH step
     * of the same batch size.
     */
    public double stepMicrosPerSample() {
      return CpuUse.microsPer(stepSeconds, samples);
    }

    /** Microseconds of CPU (both JVMs) per sample learned. */
    public double cpuMicrosPerSample() {
      return cpu.microsPer(samples);
    }
  }

  /** One scrape's figures. */
  private record Point(
      long millis, double trained, CpuUse cpu, double starved, double steps, double trainingCpu) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean running = true;

  private long scrapes;
  private double peakHeapUsed = Double.NaN;
  private double peakLiveData = Double.NaN;
  private double trained;
  private double yieldedSeconds = Double.NaN;
  private long trainedMillis;
  private long idleMillis = -1;
  private CpuUse cpu = CpuUse.UNKNOWN;
  private final List<Point> series = new ArrayList<>();

  /**
   * What it asks for ({@code name[]}, see {@code MetricsServer}): formatting the whole exposition,
   * its histograms included, every 200 ms would cost the measured JVM a few percent of a core and
   * the compiler's time for the number formatting. The step time's family comes whole, its buckets
   * with its sum: one histogram per model.
   */
  static final String QUERY =
      "?name[]=mlp_samples_trained_total&name[]=jvm_memory_used_bytes"
          + "&name[]=jvm_gc_live_data_size_bytes&name[]=process_cpu_time_ns_total"
          + "&name[]=mlp_training_starved_seconds_total&name[]=mlp_train_step_seconds_sum"
          + "&name[]=mlp_training_cpu_seconds_total&name[]=mlp_training_yielded_seconds_total";

  /**
   * Starts scraping {@code uri} (the endpoint, without a query) at once, then every {@code
   * interval}.
   */
  public MetricsSampler(URI uri, Duration interval) {
    this.uri = URI.create(uri + QUERY.replace("[", "%5B").replace("]", "%5D"));
    this.interval = interval;
    this.thread = new Thread(this::loop, "bench-metrics-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          record(response.body(), System.currentTimeMillis(), CpuUse.thisJvmSeconds());
        }
        Thread.sleep(interval.toMillis());
      } catch (IOException e) {
        sleepQuietly();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      running = false;
    }
  }

  /**
   * Takes in one scrape's text, finished at {@code millis} (epoch ms) when this JVM had used {@code
   * benchCpuSeconds}; tests call it directly.
   */
  synchronized void record(String text, long millis, double benchCpuSeconds) {
    scrapes++;
    cpu =
        new CpuUse(
            PrometheusText.sum(text, "process_cpu_time_ns_total", Map.of()) / 1e9, benchCpuSeconds);
    peakHeapUsed = max(peakHeapUsed, PrometheusText.sum(text, "jvm_memory_used_bytes", HEAP));
    peakLiveData =
        max(peakLiveData, PrometheusText.sum(text, "jvm_gc_live_data_size_bytes", Map.of()));
    yieldedSeconds = PrometheusText.sum(text, "mlp_training_yielded_seconds_total", Map.of());
    double now = PrometheusText.sum(text, "mlp_samples_trained_total", DEFAULT_MODEL);
    if (Double.isNaN(now) || now == 0) {
      idleMillis = millis;
    }
    if (!Double.isNaN(now)) {
      trained = now;
      trainedMillis = millis;
      double starved = PrometheusText.sum(text, "mlp_training_starved_seconds_total", Map.of());
      double steps = PrometheusText.sum(text, "mlp_train_step_seconds_sum", DEFAULT_MODEL);
      double trainingCpu = PrometheusText.sum(text, "mlp_training_cpu_seconds_total", Map.of());
      series.add(new Point(millis, now, cpu, starved, steps, trainingCpu));
    }
    notifyAll();
  }

  private static double max(double peak, double value) {
    return Double.isNaN(peak) || value > peak ? value : peak;
  }

  /**
   * When the last scrape that showed the default model had learned nothing (no count yet, or 0)
   * finished, epoch ms; -1 if every scrape showed some learned. A pipeline that drains a backlog
   * starts learning before anyone sends it a record: this is when it had not yet, to within one
   * interval.
   */
  public synchronized long lastIdleMillis() {
    return idleMillis;
  }

  /** Scrapes that succeeded so far. */
  public synchronized long scrapes() {
    return scrapes;
  }

  /** Largest heap in use seen, in bytes; NaN before the first scrape. */
  public synchronized double peakHeapUsed() {
    return peakHeapUsed;
  }

  /** Largest live data after a GC seen, in bytes; NaN before the first scrape. */
  public synchronized double peakLiveData() {
    return peakLiveData;
  }

  /** The default model's samples trained at the last scrape (0 before it has any). */
  public synchronized double trained() {
    return trained;
  }

  /**
   * Seconds the training threads had yielded to the server at the last scrape, summed over tasks;
   * NaN before the first scrape or if the pipeline does not say.
   */
  public synchronized double yieldedSeconds() {
    return yieldedSeconds;
  }

  /** Both JVMs' CPU time at the last scrape; {@link CpuUse#UNKNOWN} before the first. */
  public synchronized CpuUse cpu() {
    return cpu;
  }

  /**
   * What was done from the first scrape that showed at least {@code from} samples trained to the
   * first that showed at least {@code to}; null if no two such scrapes exist.
   */
  public synchronized Span between(double from, double to) {
    Point start = firstReaching(from);
    Point end = firstReaching(to);
    if (start == null || end == null || end.millis() <= start.millis()) {
      return null;
    }
    return new Span(
        end.trained() - start.trained(),
        (end.millis() - start.millis()) / 1e3,
        end.cpu().since(start.cpu()),
        end.starved() - start.starved(),
        end.steps() - start.steps(),
        end.trainingCpu() - start.trainingCpu());
  }

  /**
   * Both JVMs' CPU time at the first scrape that showed at least {@code count} samples trained;
   * {@link CpuUse#UNKNOWN} if none did.
   */
  public synchronized CpuUse cpuWhenTrained(double count) {
    Point reached = firstReaching(count);
    return reached == null ? CpuUse.UNKNOWN : reached.cpu();
  }

  private Point firstReaching(double count) {
    return series.stream().filter(p -> p.trained() >= count).findFirst().orElse(null);
  }

  /**
   * Waits until a scrape shows the default model with at least {@code expected} samples trained.
   *
   * @return the wall-clock time (epoch ms) that scrape finished: within one interval plus one
   *     scrape after the moment the count was reached
   * @throws TimeoutException if no scrape shows it within {@code timeout}
   */
  public synchronized long awaitTrained(double expected, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (trained < expected) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new TimeoutException(
            "the model learned " + (long) trained + " of " + (long) expected + " in " + timeout);
      }
      wait(left);
    }
    return trainedMillis;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
