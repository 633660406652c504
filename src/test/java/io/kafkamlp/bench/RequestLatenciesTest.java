package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RequestLatenciesTest {

  @Test
  void shouldGiveEachWindowItsAnsweredLatenciesInRequestOrder() {
    RequestLatencies latencies = new RequestLatencies(6);
    latencies.record(4, 40, false);
    latencies.record(0, 300, false);
    latencies.record(1, 0, true);
    latencies.record(3, 7, false);
    // request 2 and 5 unanswered
    assertEquals(4, latencies.answers());
    assertArrayEquals(new long[] {300}, latencies.latencies(0, 3));
    assertEquals(1, latencies.noModelYet(0, 3));
    assertArrayEquals(new long[] {7, 40}, latencies.latencies(3, 6));
    assertEquals(0, latencies.noModelYet(3, 6));
    assertArrayEquals(new long[] {300, 7, 40}, latencies.latencies(0, 6));
    assertArrayEquals(new long[0], latencies.latencies(2, 3));
  }

  @Test
  void shouldKeepTheFirstAnswerWhenARequestIsAnsweredTwice() {
    RequestLatencies latencies = new RequestLatencies(2);
    latencies.record(0, 12, false);
    latencies.record(0, 900, false);
    latencies.record(1, 0, true);
    latencies.record(1, 30, false);
    assertEquals(2, latencies.answers());
    assertArrayEquals(new long[] {12}, latencies.latencies(0, 2));
    assertEquals(1, latencies.noModelYet(0, 2));
  }

  @Test
  void shouldClampANegativeLatencyAtZero() {
    RequestLatencies latencies = new RequestLatencies(1);
    latencies.record(0, -1, false);
    assertArrayEquals(new long[] {0}, latencies.latencies(0, 1));
  }

  @Test
  void shouldRefuseARequestOutOfRange() {
    RequestLatencies latencies = new RequestLatencies(3);
    assertThrows(IllegalArgumentException.class, () -> latencies.record(3, 1, false));
    assertThrows(IllegalArgumentException.class, () -> latencies.record(-1, 1, false));
    assertThrows(IllegalArgumentException.class, () -> new RequestLatencies(-1));
  }
}
