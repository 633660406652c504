package io.kafkamlp.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records at a fixed rate, open loop: record {@code i} is due {@code i / rate} seconds after
 * the start, whatever happened to the ones before, and a sender that fell behind (a busy machine)
 * sends at once until it is on time again, so the offered rate stays the one asked for.
 */
final class PacedSender {

  private PacedSender() {}

  /**
   * Sends {@code record.apply(i)} for i = 0, 1, ... on the calling thread until {@code count} are
   * sent or {@code stop} says so (checked before each record).
   *
   * @param rate records per second, above 0
   * @return seconds from the first send to the last
   */
  static double send(
      Producer<byte[], byte[]> producer,
      IntFunction<ProducerRecord<byte[], byte[]>> record,
      double rate,
      int count,
      BooleanSupplier stop) {
    long start = System.nanoTime();
    for (int i = 0; i < count && !stop.getAsBoolean(); i++) {
      long due = start + Math.round(i * 1e9 / rate);
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      producer.send(record.apply(i));
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
