package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadReplacementTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final ThreadReplacement handler = new ThreadReplacement(now::get);
  private final RuntimeException error = new RuntimeException("broker gone");

  @Test
  void shouldReplaceThreadsUntilBudgetSpentThenShutDown() {
    for (int i = 0; i < ThreadReplacement.MAX_REPLACEMENTS; i++) {
      assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(error));
      now.addAndGet(1_000_000_000L);
    }

    assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, handler.handle(error));
  }

  @Test
  void shouldReplaceAgainWhenEarlierReplacementsLeftWindow() {
    for (int i = 0; i < ThreadReplacement.MAX_REPLACEMENTS; i++) {
      handler.handle(error);
    }
    now.addAndGet(ThreadReplacement.WINDOW.toNanos() + 1);

    assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(error));
  }
}
