package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sampler's arithmetic over scrapes fed by hand (its own scraping finds nobody listening). */
class MetricsSamplerTest {

  private MetricsSampler sampler;

  @BeforeEach
  void startSamplerThatCannotConnect() {
    sampler = new MetricsSampler(URI.create("http://127.0.0.1:1/metrics"), Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    sampler.close();
  }

  private static String scrape(double trained) {
    return "# TYPE mlp_samples_trained_total counter\n"
        + "mlp_samples_trained_total{model=\"default\"} "
        + trained
        + "\nmlp_samples_trained_total{model=\"other\"} 99999\n";
  }

  private static String scrape(double trained, double pipelineCpuSeconds) {
    return scrape(trained) + "process_cpu_time_ns_total " + pipelineCpuSeconds * 1e9 + "\n";
  }

  @Test
  void shouldMeasureRateBetweenTheFirstScrapesReachingEachCount() {
    // Given: 0, 50, 250, 700 and 1000 samples at 200 ms steps
    double[] counts = {0, 50, 250, 700, 1000};
    for (int i = 0; i < counts.length; i++) {
      sampler.record(scrape(counts[i]), 1_000 + 200L * i, Double.NaN);
    }

    // Then: from the first scrape with >= 100 (250 at 1.4 s) to the first with >= 1000 (at 1.8 s)
    assertEquals(750 / 0.4, sampler.between(100, 1000).samplesPerSecond(), 1e-9);
    assertEquals(750, sampler.between(100, 1000).samples());
    assertEquals(50 / 0.2, sampler.between(0, 50).samplesPerSecond(), 1e-9);
    assertEquals(1000, sampler.trained());
  }

  @Test
  void shouldMeasureBothJvmsCpuBetweenScrapes() {
    // Given: the pipeline at 3 s, 4 s and 6 s of CPU, this JVM at 1 s, 1.25 s and 2 s
    sampler.record(scrape(0, 3), 1_000, 1);
    sampler.record(scrape(100, 4), 1_200, 1.25);
    sampler.record(scrape(500, 6), 1_400, 2);

    // Then: 400 samples for 2 s + 0.75 s of CPU between the scrapes showing 100 and 500
    MetricsSampler.Span span = sampler.between(100, 500);
    assertEquals(new CpuUse(2, 0.75), span.cpu());
    assertEquals(2.75e6 / 400, span.cpuMicrosPerSample(), 1e-9);
    assertEquals(new CpuUse(6, 2), sampler.cpu(), "the latest scrape's");
    assertEquals(new CpuUse(4, 1.25), sampler.cpuWhenTrained(50), "the first showing 50");
    assertTrue(Double.isNaN(sampler.cpuWhenTrained(501).totalSeconds()), "never reached");
  }

  @Test
  void shouldMeasureTheTrainingThreadsWaitBetweenScrapesOverItsTasks() {
    // Given: two tasks' training threads, 0.5 s and 0.25 s waited, then 0.75 s and 0.5 s
    sampler.record(scrape(0) + starved(0.5, 0.25), 1_000, 1);
    sampler.record(scrape(500) + starved(0.75, 0.5), 3_000, 2);

    // Then: 0.5 s of waiting in the 2 s between
    MetricsSampler.Span span = sampler.between(0, 500);
    assertEquals(0.5, span.starvedSeconds(), 1e-12);
    assertEquals(0.25, span.starvedShare(), 1e-12);
  }

  @Test
  void shouldMeasureTheDefaultModelsStepTimeBetweenScrapes() {
    // Given: the default model's steps at 1 s then 2.5 s; another model's at 7 s then 9 s
    sampler.record(scrape(0) + steps(1, 7), 1_000, 1);
    sampler.record(scrape(500) + steps(2.5, 9), 3_000, 2);

    // Then: 1.5 s of steps in the 2 s between, for 500 samples
    MetricsSampler.Span span = sampler.between(0, 500);
    assertEquals(1.5, span.stepSeconds(), 1e-12);
    assertEquals(0.75, span.stepShare(), 1e-12);
    assertEquals(3_000, span.stepMicrosPerSample(), 1e-9);
    assertTrue(Double.isNaN(span.starvedShare()), "not scraped");
  }

  private static String steps(double defaultModel, double other) {
    return "mlp_train_step_seconds_count{model=\"default\"} 1000\n"
        + "mlp_train_step_seconds_sum{model=\"default\"} "
        + defaultModel
        + "\nmlp_train_step_seconds_sum{model=\"other\"} "
        + other
        + "\n";
  }

  @Test
  void shouldMeasureTheTrainingThreadsCpuBetweenScrapesOverItsTasks() {
    // Given: two tasks' training threads at 1 s and 2 s of CPU, then 2.5 s and 2.1 s
    sampler.record(scrape(0) + trainingCpu(1, 2), 1_000, 1);
    sampler.record(scrape(500) + trainingCpu(2.5, 2.1), 3_000, 2);

    // Then: 1.6 s on a core in the 2 s between
    MetricsSampler.Span span = sampler.between(0, 500);
    assertEquals(1.6, span.trainingCpuSeconds(), 1e-12);
    assertEquals(0.8, span.trainingCpuShare(), 1e-12);
  }

  @Test
  void shouldKeepTheTrainingThreadsYieldAtTheLastScrapeOverItsTasks() {
    assertTrue(Double.isNaN(sampler.yieldedSeconds()), "before any scrape");
    sampler.record(scrape(0) + twoTasks("mlp_training_yielded_seconds_total", 1, 0.5), 1_000, 1);
    assertEquals(1.5, sampler.yieldedSeconds(), 1e-12);
    sampler.record(scrape(500) + twoTasks("mlp_training_yielded_seconds_total", 2, 0.75), 2_000, 2);
    assertEquals(2.75, sampler.yieldedSeconds(), 1e-12);
  }

  @Test
  void shouldNotKnowTheWaitOfAPipelineTrainingOnItsStreamThread() {
    sampler.record(scrape(0), 1_000, 1);
    sampler.record(scrape(500), 2_000, 2);

    assertTrue(Double.isNaN(sampler.between(0, 500).starvedShare()));
    assertTrue(Double.isNaN(sampler.between(0, 500).trainingCpuShare()));
  }

  private static String starved(double first, double second) {
    return twoTasks("mlp_training_starved_seconds_total", first, second);
  }

  private static String trainingCpu(double first, double second) {
    return twoTasks("mlp_training_cpu_seconds_total", first, second);
  }

  /** Series {@code name} of tasks 0_0 and 0_1. */
  private static String twoTasks(String name, double first, double second) {
    return name + "{task=\"0_0\"} " + first + "\n" + name + "{task=\"0_1\"} " + second + "\n";
  }

  @Test
  void shouldGiveNanWhenACountIsNeverReachedOrBothAreTheSameScrape() {
    assertNull(sampler.between(0, 10), "no scrape yet");
    assertTrue(Double.isNaN(sampler.cpu().totalSeconds()), "no scrape yet");
    sampler.record(scrape(0), 1_000, 1);
    sampler.record(scrape(500), 2_000, 2);

    assertNull(sampler.between(0, 501), "end never reached");
    assertNull(sampler.between(200, 500), "one scrape reached both");
    assertTrue(Double.isNaN(sampler.cpu().pipelineSeconds()), "the pipeline did not say");
  }

  @Test
  void shouldRememberTheLastScrapeThatShowedNothingLearned() {
    assertEquals(-1, sampler.lastIdleMillis(), "no scrape yet");

    // Given: no count yet, then 0, then learning under way
    sampler.record("jvm_memory_used_bytes{area=\"heap\",id=\"a\"} 100\n", 1_000, 1);
    sampler.record(scrape(0), 1_200, 1);
    sampler.record(scrape(320), 1_400, 1);
    sampler.record(scrape(640), 1_600, 1);

    // Then
    assertEquals(1_200, sampler.lastIdleMillis());
  }

  @Test
  void shouldNotKnowWhenLearningBeganIfTheFirstScrapeShowedSomeLearned() {
    sampler.record(scrape(32), 1_000, 1);

    assertEquals(-1, sampler.lastIdleMillis());
  }

  @Test
  void shouldKeepPeaksAndSkipScrapesWithoutTheDefaultModel() {
    sampler.record(
        "jvm_memory_used_bytes{area=\"heap\",id=\"a\"} 100\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"b\"} 50\n"
            + "jvm_memory_used_bytes{area=\"nonheap\",id=\"c\"} 1000\n",
        1_000,
        1);
    sampler.record("jvm_memory_used_bytes{area=\"heap\",id=\"a\"} 20\n" + scrape(64), 2_000, 2);

    assertEquals(2, sampler.scrapes());
    assertEquals(150, sampler.peakHeapUsed(), "the heap pools summed, the largest sum kept");
    assertEquals(64, sampler.trained());
    assertNull(sampler.between(0, 64), "the first scrape had no count");
  }
}
