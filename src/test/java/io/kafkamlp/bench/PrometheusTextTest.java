package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  private static final String SCRAPE =
      String.join(
          "\n",
          "# HELP jvm_memory_used_bytes The amount of used memory",
          "# TYPE jvm_memory_used_bytes gauge",
          "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E7",
          "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.5E7",
          "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 4.0E7",
          "jvm_memory_used_bytes_max{area=\"heap\"} 9.0E9",
          "jvm_gc_live_data_size_bytes 1234.0",
          "mlp_samples_trained_total{model=\"default\"} 6400.0",
          "mlp_samples_trained_total{model=\"other, \\\"quoted\\\"\"} 32.0",
          "");

  @Test
  void shouldSumMatchingSamplesWhenLabelsFilter() {
    assertEquals(
        3.5e7, PrometheusText.sum(SCRAPE, "jvm_memory_used_bytes", Map.of("area", "heap")));
  }

  @Test
  void shouldReadUnlabeledSampleWhenNoFilter() {
    assertEquals(1234.0, PrometheusText.sum(SCRAPE, "jvm_gc_live_data_size_bytes", Map.of()));
  }

  @Test
  void shouldMatchExactLabelValueWhenOthersAreQuoted() {
    assertEquals(
        6400.0,
        PrometheusText.sum(SCRAPE, "mlp_samples_trained_total", Map.of("model", "default")));
    assertEquals(6432.0, PrometheusText.sum(SCRAPE, "mlp_samples_trained_total", Map.of()));
  }

  @Test
  void shouldBeNanWhenNothingMatches() {
    assertTrue(Double.isNaN(PrometheusText.sum(SCRAPE, "mlp_absent", Map.of())));
    assertTrue(
        Double.isNaN(
            PrometheusText.sum(SCRAPE, "jvm_memory_used_bytes", Map.of("area", "elsewhere"))));
  }
}
