package io.kafkamlp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TestSamples;
import io.kafkamlp.train.TrainerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint serves metrics and weight images only, on the address it is given. */
class MetricsServerTest {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PrometheusMeterRegistry registry;
  private MetricsServer server;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("test.requests").increment();
    TrainingMetrics training = new TrainingMetrics(registry, registry.getPrometheusRegistry());
    ModelTrainer trainer =
        new ModelTrainer("default", TestSamples.SPEC, TrainerSettings.defaults());
    trainer.observe(training);
    // eleven batches, the first inspected
    TestSamples.samples(11 * TestSamples.SPEC.batchSize(), 3)
        .forEach(s -> trainer.accept(s, false));
    server = MetricsServer.start("127.0.0.1", 0, registry, training);
  }

  @AfterEach
  void tearDown() {
    server.close();
    registry.close();
  }

  private HttpResponse<byte[]> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void shouldServeMetricsAndWeightImageWhenAskedWithGet() throws Exception {
    HttpResponse<byte[]> metrics = send("GET", "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(new String(metrics.body(), StandardCharsets.UTF_8).contains("test_requests_total"));
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

    HttpResponse<byte[]> image = send("GET", "/weights/default/layer0.png");
    assertEquals(200, image.statusCode());
    assertEquals("image/png", image.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(image.body(), 4));
  }

  @Test
  void shouldServeOnlyTheMetricsNamedWhenAskedForSome() throws Exception {
    registry.gauge("test.depth", 7.0);

    String some =
        new String(
            send("GET", "/metrics?name[]=test_requests_total&name%5B%5D=test_depth").body(),
            StandardCharsets.UTF_8);
    String all = new String(send("GET", "/metrics").body(), StandardCharsets.UTF_8);

    assertTrue(some.contains("test_requests_total 1.0"), some);
    assertTrue(some.contains("test_depth 7.0"), some);
    assertFalse(some.contains("mlp_"), "the training metrics were not asked for:\n" + some);
    assertTrue(all.contains("mlp_samples_trained_total"), all);
  }

  @Test
  void shouldReadRequestedNamesAsExposedOrAsFamilies() {
    assertEquals(Set.of(), MetricsServer.requestedNames(null));
    assertEquals(Set.of(), MetricsServer.requestedNames("other=1&name=x"));
    assertEquals(
        Set.of("mlp_samples_trained_total", "mlp_samples_trained", "jvm_memory_used_bytes"),
        MetricsServer.requestedNames(
            "name[]=mlp_samples_trained_total&x=1&name%5B%5D=jvm_memory_used_bytes"));
    assertEquals(
        Set.of("mlp_step_seconds_bucket", "mlp_step_seconds"),
        MetricsServer.requestedNames("name[]=mlp_step_seconds_bucket"));
  }

  @Test
  void shouldAnswerHeadersOnlyWhenAskedWithHead() throws Exception {
    HttpResponse<byte[]> head = send("HEAD", "/metrics");

    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
  }

  @Test
  void shouldAnswer404WhenPathIsAnythingElse() throws Exception {
    List<String> paths =
        List.of(
            "/",
            "/metricsx",
            "/metrics/",
            "/metrics/x",
            "/weights/",
            "/weights/default",
            "/weights/default/layer1.png",
            "/weights/unknown-model/layer0.png",
            "/weights/default/layer0.png/x",
            "/weights/..%2F..%2Fetc/layer0.png",
            "/weights/%2e%2e/layer0.png",
            "/etc/passwd",
            "/../../etc/passwd",
            "/index.html");
    for (String path : paths) {
      HttpResponse<byte[]> response = send("GET", path);
      assertEquals(404, response.statusCode(), path);
      assertTrue(response.body().length < 200, path + ": a short text, no listing");
    }
  }

  @Test
  void shouldAnswer405WithAllowWhenMethodIsNotGetOrHead() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
      for (String path : List.of("/metrics", "/weights/default/layer0.png", "/nothing")) {
        HttpResponse<byte[]> response = send(method, path);
        assertEquals(405, response.statusCode(), method + " " + path);
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
      }
    }
  }

  @Test
  void shouldBindTheGivenAddress() {
    assertTrue(server.address().getAddress().isLoopbackAddress(), server.address().toString());
    try (MetricsServer all = MetricsServer.start(MetricsServer.ALL_INTERFACES, 0, registry, null)) {
      assertTrue(all.address().getAddress().isAnyLocalAddress(), all.address().toString());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> MetricsServer.start("no-such-host.invalid", 0, registry, null));
  }
}
