package io.kafkamlp.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The answer to each of a fixed number of prediction requests, numbered from 0 in the order they
 * were sent: its latency in ms if a model answered, or that it was answered {@code no-model-yet},
 * or nothing yet. The first answer to a request counts; a second one (the server is at-least-once,
 * and answers again what it had not committed when it failed over) is ignored. Windows of requests
 * by number then give the latencies of the requests sent in a span of time.
 *
 * <p>Not thread-safe.
 */
final class RequestLatencies {

  private static final long UNANSWERED = -1;
  private static final long NO_MODEL = -2;

  private final long[] millis;
  private final long[] arrivedMillis;
  private int answers;

  /** For requests 0 to {@code requests - 1}, none answered yet. */
  RequestLatencies(int requests) {
    if (requests < 0) {
      throw new IllegalArgumentException("requests must be >= 0: " + requests);
    }
    millis = new long[requests];
    Arrays.fill(millis, UNANSWERED);
    arrivedMillis = new long[requests];
  }

  /**
   * Records the answer to request {@code request}, unless it already has one.
   *
   * @param latencyMillis from the request's timestamp to the answer's arrival; clamped at 0 (two
   *     clocks of one machine, read at millisecond resolution)
   * @param noModel whether the answer was {@code no-model-yet}
   * @param arrivedAtMillis when the answer arrived, epoch ms
   * @throws IllegalArgumentException if {@code request} is out of range
   */
  void record(int request, long latencyMillis, boolean noModel, long arrivedAtMillis) {
    if (request < 0 || request >= millis.length) {
      throw new IllegalArgumentException(
          "request " + request + " out of range [0, " + millis.length + ")");
    }
    if (millis[request] == UNANSWERED) {
      millis[request] = noModel ? NO_MODEL : Math.max(latencyMillis, 0);
      arrivedMillis[request] = arrivedAtMillis;
      answers++;
    }
  }

  /** How many requests there are. */
  int requests() {
    return millis.length;
  }

  /** Requests answered so far, either way. */
  int answers() {
    return answers;
  }

  /** The latencies of requests {@code from} (inclusive) to {@code to} answered by a model. */
  long[] latencies(int from, int to) {
    return Arrays.stream(millis, from, to).filter(m -> m >= 0).toArray();
  }

  /** Requests {@code from} (inclusive) to {@code to} answered {@code no-model-yet}. */
  int noModelYet(int from, int to) {
    return (int) Arrays.stream(millis, from, to).filter(m -> m == NO_MODEL).count();
  }

  /**
   * Writes one line per request, in order, after a header {@code
   * request,due_seconds,latency_ms,answered_at_ms}: its number, when it was due ({@code number /
   * rate}, seconds after the server first answered with a model), its latency in ms (or {@code
   * no-model-yet}) and when its answer arrived (epoch ms, to set beside other logs of the run); the
   * last two empty if it was not answered.
   *
   * @param rate requests per second they were sent at
   */
  void writeCsv(Writer out, double rate) throws IOException {
    out.write("request,due_seconds,latency_ms,answered_at_ms\n");
    for (int i = 0; i < millis.length; i++) {
      long m = millis[i];
      out.write(
          String.format(
              Locale.ROOT,
              "%d,%.3f,%s,%s\n",
              i,
              i / rate,
              m == UNANSWERED ? "" : m == NO_MODEL ? "no-model-yet" : Long.toString(m),
              m == UNANSWERED ? "" : Long.toString(arrivedMillis[i])));
    }
  }
}
