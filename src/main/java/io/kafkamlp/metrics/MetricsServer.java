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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ejml.data.FMatrixRMaj;

/**
 * The app's HTTP endpoint, and nothing more: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /weights/<model>/layer0.png} (the first layer's weights at the last inspection, see
 * {@link WeightImage}); {@code HEAD} of both. Every other path is 404, every other method 405 (with
 * {@code Allow: GET, HEAD}). It reads no files: the image is drawn from memory for a model name of
 * {@code [A-Za-z0-9._-]}, so there is no directory listing or path to traverse. One daemon thread.
 */
public final class MetricsServer implements AutoCloseable {

  /** The wildcard address: every interface, so that Prometheus in another container reaches it. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  private static final Pattern WEIGHTS =
      Pattern.compile("/weights/([A-Za-z0-9._-]{1,100})/layer0\\.png");
  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} of every interface ({@link #ALL_INTERFACES}). */
  public static MetricsServer start(
      int port, PrometheusMeterRegistry registry, TrainingMetrics training) {
    return start(ALL_INTERFACES, port, registry, training);
  }

  /**
   * Starts serving.
   *
   * @param address the host name or IP address to bind: {@code 0.0.0.0} every interface, {@code
   *     127.0.0.1} this host only
   * @param port the port; 0 picks a free one ({@link #port()} tells which)
   * @throws IllegalArgumentException if {@code address} does not resolve
   * @throws UncheckedIOException if the address and port cannot be bound
   */
  public static MetricsServer start(
      String address, int port, PrometheusMeterRegistry registry, TrainingMetrics training) {
    InetSocketAddress bind = new InetSocketAddress(address, port);
    if (bind.isUnresolved()) {
      throw new IllegalArgumentException("metrics address '" + address + "' does not resolve");
    }
    HttpServer server;
    try {
      server = HttpServer.create(bind, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ":" + port, e);
    }
    server.createContext("/", exchange -> route(exchange, registry, training));
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

  private static void route(
      HttpExchange exchange, PrometheusMeterRegistry registry, TrainingMetrics training)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, TEXT, text("method not allowed: GET or HEAD only\n"));
        return;
      }
      // The raw path: an escaped '/' or '.' is not decoded into something that could match.
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/metrics")) {
        respond(
            exchange,
            200,
            "text/plain; version=0.0.4; charset=utf-8",
            registry.scrape().getBytes(StandardCharsets.UTF_8));
        return;
      }
      Matcher weights = WEIGHTS.matcher(path);
      FMatrixRMaj w = weights.matches() ? training.firstLayerWeights(weights.group(1)) : null;
      if (w != null) {
        respond(exchange, 200, "image/png", WeightImage.png(w));
        return;
      }
      respond(
          exchange,
          404,
          TEXT,
          text(
              weights.matches()
                  ? "no weights yet for that model\n"
                  : "not found; kafka-mlp serves /metrics and /weights/<model>/layer0.png\n"));
    }
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
