package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RequestLatenciesTest {

  private static final long ARRIVED = 1_764_000_000_000L;

  @Test
  void shouldGiveEachWindowItsAnsweredLatenciesInRequestOrder() {
    RequestLatencies latencies = new RequestLatencies(6);
    latencies.record(4, 40, false, ARRIVED);
    latencies.record(0, 300, false, ARRIVED);
    latencies.record(1, 0, true, ARRIVED);
    latencies.record(3, 7, false, ARRIVED);
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
    latencies.record(0, 12, false, ARRIVED);
    latencies.record(0, 900, false, ARRIVED);
    latencies.record(1, 0, true, ARRIVED);
    latencies.record(1, 30, false, ARRIVED);
    assertEquals(2, latencies.answers());
    assertArrayEquals(new long[] {12}, latencies.latencies(0, 2));
    assertEquals(1, latencies.noModelYet(0, 2));
  }

  @Test
  void shouldClampANegativeLatencyAtZero() {
    RequestLatencies latencies = new RequestLatencies(1);
    latencies.record(0, -1, false, ARRIVED);
    assertArrayEquals(new long[] {0}, latencies.latencies(0, 1));
  }

  @Test
  void shouldRefuseARequestOutOfRange() {
    RequestLatencies latencies = new RequestLatencies(3);
    assertThrows(IllegalArgumentException.class, () -> latencies.record(3, 1, false, ARRIVED));
    assertThrows(IllegalArgumentException.class, () -> latencies.record(-1, 1, false, ARRIVED));
    assertThrows(IllegalArgumentException.class, () -> new RequestLatencies(-1));
  }

  @Test
  void shouldWriteEveryRequestWithItsDueTimeLatencyAndArrival() throws IOException {
    RequestLatencies latencies = new RequestLatencies(4);
    latencies.record(0, 12, false, ARRIVED);
    latencies.record(1, 0, true, ARRIVED + 500);
    latencies.record(3, 250, false, ARRIVED + 1_250);
    StringWriter out = new StringWriter();
    latencies.writeCsv(out, 2.0);
    assertEquals(
        "request,due_seconds,latency_ms,answered_at_ms\n"
            + "0,0.000,12,"
            + ARRIVED
            + "\n"
            + "1,0.500,no-model-yet,"
            + (ARRIVED + 500)
            + "\n"
            + "2,1.000,,\n"
            + "3,1.500,250,"
            + (ARRIVED + 1_250)
            + "\n",
        out.toString());
  }
}
