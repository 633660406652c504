package io.kafkamlp.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ejml.data.FMatrixRMaj;

/**
 * The app's HTTP endpoint, and nothing more: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /weights/<model>/layer0.png} (the first layer's weights at the last inspection, see
 * {@link WeightImage}); {@code HEAD} of both. {@code /metrics?name[]=...} serves only the metrics
 * named ({@link #requestedNames}). Every other path is 404, every other method 405 (with {@code
 * Allow: GET, HEAD}). It reads no files: the image is drawn from memory for a model name of {@code
 * [A-Za-z0-9._-]}, so there is no directory listing or path to traverse. One daemon thread.
 */
public final class MetricsServer implements AutoCloseable {

  /** The wildcard address: every interface, so that Prometheus in another container reaches it. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  private static final Pattern WEIGHTS =
      Pattern.compile("/weights/([A-Za-z0-9._-]{1,100})/layer0\\.png");
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String EXPOSITION = "text/plain; version=0.0.4; charset=utf-8";

  /** Suffixes of exposed sample names that the metric family's name does not have. */
  private static final List<String> SAMPLE_SUFFIXES =
      List.of("_total", "_bucket", "_count", "_sum", "_created", "_info");

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
        Set<String> names = requestedNames(exchange.getRequestURI().getRawQuery());
        respond(
            exchange,
            200,
            EXPOSITION,
            (names.isEmpty() ? registry.scrape() : registry.scrape(EXPOSITION, names))
                .getBytes(StandardCharsets.UTF_8));
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

  /**
   * The metric families a scrape asks for with {@code name[]} parameters, the Prometheus exporters'
   * convention ({@code /metrics?name[]=mlp_samples_trained_total&name[]=jvm_memory_used_bytes}):
   * each name as exposed, or as its family's name ({@code mlp_samples_trained}); a family comes
   * whole. Empty (every metric) when there are none. A scraper that needs a few series, such as the
   * benchmark's every 200 ms, then costs the formatting of those only.
   *
   * @param rawQuery the request's query, still percent-encoded; null for none
   */
  static Set<String> requestedNames(String rawQuery) {
    Set<String> names = new HashSet<>();
    if (rawQuery == null) {
      return names;
    }
    for (String parameter : rawQuery.split("&")) {
      int eq = parameter.indexOf('=');
      if (eq < 0
          || !URLDecoder.decode(parameter.substring(0, eq), StandardCharsets.UTF_8)
              .equals("name[]")) {
        continue;
      }
      String name = URLDecoder.decode(parameter.substring(eq + 1), StandardCharsets.UTF_8);
      names.add(name);
      for (String suffix : SAMPLE_SUFFIXES) {
        if (name.endsWith(suffix)) {
          names.add(name.substring(0, name.length() - suffix.length()));
        }
      }
    }
    return names;
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
