package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void shouldMeasureRateBetweenTheFirstScrapesReachingEachCount() {
    // Given: 0, 50, 250, 700 and 1000 samples at 200 ms steps
    double[] counts = {0, 50, 250, 700, 1000};
    for (int i = 0; i < counts.length; i++) {
      sampler.record(scrape(counts[i]), 1_000 + 200L * i);
    }

    // Then: from the first scrape with >= 100 (250 at 1.4 s) to the first with >= 1000 (at 1.8 s)
    assertEquals(750 / 0.4, sampler.rateBetween(100, 1000), 1e-9);
    assertEquals(50 / 0.2, sampler.rateBetween(0, 50), 1e-9);
    assertEquals(1000, sampler.trained());
  }

  @Test
  void shouldGiveNanWhenACountIsNeverReachedOrBothAreTheSameScrape() {
    assertTrue(Double.isNaN(sampler.rateBetween(0, 10)), "no scrape yet");
    sampler.record(scrape(0), 1_000);
    sampler.record(scrape(500), 2_000);

    assertTrue(Double.isNaN(sampler.rateBetween(0, 501)), "end never reached");
    assertTrue(Double.isNaN(sampler.rateBetween(200, 500)), "one scrape reached both");
  }

  @Test
  void shouldKeepPeaksAndSkipScrapesWithoutTheDefaultModel() {
    sampler.record(
        "jvm_memory_used_bytes{area=\"heap\",id=\"a\"} 100\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"b\"} 50\n"
            + "jvm_memory_used_bytes{area=\"nonheap\",id=\"c\"} 1000\n",
        1_000);
    sampler.record("jvm_memory_used_bytes{area=\"heap\",id=\"a\"} 20\n" + scrape(64), 2_000);

    assertEquals(2, sampler.scrapes());
    assertEquals(150, sampler.peakHeapUsed(), "the heap pools summed, the largest sum kept");
    assertEquals(64, sampler.trained());
    assertTrue(Double.isNaN(sampler.rateBetween(0, 64)), "the first scrape had no count");
  }
}
