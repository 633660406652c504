package io.kafkamlp.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.ejml.data.FMatrixRMaj;

/**
 * The app's HTTP endpoint: {@code GET /metrics} (Prometheus text format) and {@code GET
 * /weights/<model>/layer0.png} (the first layer's weights at the last inspection, see {@link
 * WeightImage}). One daemon thread; binds all interfaces so Prometheus in a container reaches it.
 */
public final class MetricsServer implements AutoCloseable {

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving.
   *
   * @param port the port; 0 picks a free one ({@link #port()} tells which)
   */
  public static MetricsServer start(
      int port, PrometheusMeterRegistry registry, TrainingMetrics training) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
    server.createContext(
        "/metrics",
        exchange ->
            respond(
                exchange,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
    server.createContext("/weights/", exchange -> weights(exchange, training));
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                exchange.getRequestURI().getPath().equals("/") ? 200 : 404,
                "text/plain; charset=utf-8",
                "kafka-mlp: /metrics, /weights/<model>/layer0.png\n"
                    .getBytes(StandardCharsets.UTF_8)));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kafka-mlp-metrics");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return new MetricsServer(server);
  }

  private static void weights(HttpExchange exchange, TrainingMetrics training) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().split("/");
    // "", "weights", model, "layer0.png"
    FMatrixRMaj w =
        parts.length == 4 && parts[3].equals("layer0.png")
            ? training.firstLayerWeights(parts[2])
            : null;
    if (w == null) {
      respond(
          exchange,
          404,
          "text/plain; charset=utf-8",
          "no weights yet for that model (or not /weights/<model>/layer0.png)\n"
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    respond(exchange, 200, "image/png", WeightImage.png(w));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
