package io.kafkamlp.bench;

import io.kafkamlp.kafka.Topics;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the {@code predictions} topic on a thread of its own from the moment it is created, and for
 * each answer to a numbered request (key {@code requestPrefix + n}) records its latency ({@link
 * RequestLatencies}): the time the consumer got it minus the record's timestamp, which the server
 * copies from the request, and the request's producer set when it was sent. Answers to probes (key
 * {@code probePrefix + anything}) count only as to whether one came from a model. The server is
 * {@code at_least_once}, so the consumer reads uncommitted records, as soon as they are written.
 *
 * <p>Thread-safe; {@link #close} stops the thread.
 */
final class LatencyCollector implements AutoCloseable {

  private static final byte[] NO_MODEL = "\"no-model-yet\"".getBytes(StandardCharsets.UTF_8);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String requestPrefix;
  private final String probePrefix;
  private final Thread thread;
  private final RequestLatencies latencies;
  private boolean probeAnswered;

  /**
   * @param requestPrefix key prefix of the numbered requests, followed by the number
   * @param requests how many numbered requests there are: 0 to {@code requests - 1}
   * @param probePrefix key prefix of probes: only whether one got a model's answer counts
   */
  LatencyCollector(
      String bootstrapServers, String requestPrefix, int requests, String probePrefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.PREDICTIONS).stream()
            .map(p -> new TopicPartition(Topics.PREDICTIONS, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    this.requestPrefix = requestPrefix;
    this.probePrefix = probePrefix;
    this.latencies = new RequestLatencies(requests);
    thread = new Thread(this::loop, "bench-latency-collector");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (true) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          record(
              new String(r.key(), StandardCharsets.UTF_8), noModel(r.value()), now, r.timestamp());
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private static boolean noModel(byte[] value) {
    outer:
    for (int i = 0; i + NO_MODEL.length <= value.length; i++) {
      for (int j = 0; j < NO_MODEL.length; j++) {
        if (value[i + j] != NO_MODEL[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private synchronized void record(String key, boolean noModel, long now, long sentMillis) {
    if (key.startsWith(probePrefix)) {
      probeAnswered |= !noModel;
    } else if (key.startsWith(requestPrefix)) {
      latencies.record(
          Integer.parseInt(key.substring(requestPrefix.length())), now - sentMillis, noModel, now);
    }
    notifyAll();
  }

  /** Whether a probe got an answer from a model. */
  synchronized boolean probeAnswered() {
    return probeAnswered;
  }

  /** Waits until every numbered request is answered (either way) or the timeout. */
  synchronized void awaitAnswers(Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (latencies.answers() < latencies.requests()) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }

  /** The latencies of requests {@code from} (inclusive) to {@code to} answered by a model, ms. */
  synchronized long[] latencies(int from, int to) {
    return latencies.latencies(from, to);
  }

  /** Requests {@code from} (inclusive) to {@code to} answered {@code no-model-yet} so far. */
  synchronized int noModelYet(int from, int to) {
    return latencies.noModelYet(from, to);
  }

  /** Every request's answer so far, as {@link RequestLatencies#writeCsv} writes them. */
  synchronized void writeCsv(Writer out, double rate) throws IOException {
    latencies.writeCsv(out, rate);
  }

  @Override
  public void close() {
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
