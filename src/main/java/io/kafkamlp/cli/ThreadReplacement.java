package io.kafkamlp.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * What a Kafka Streams application of the pipeline does when one of its stream threads dies: start
 * a new thread in its place, at most {@link #MAX_REPLACEMENTS} times in {@link #WINDOW}; past that,
 * shut the application down (it then reaches state {@code ERROR}, and {@code run} exits with status
 * 1 for its supervisor to restart it).
 *
 * <p>Kafka Streams' own default shuts the application down at the first such error, and the errors
 * it meets in production are mostly transient: a broker outage that outlasts the producer's
 * delivery timeout puts the producer in an error state and kills the thread, and nothing would
 * train or answer again while the process still ran. The new thread re-initializes its tasks from
 * their changelogs and committed offsets (exactly-once for the trainer) and resumes when the
 * cluster is back. The budget keeps a deterministic error from looping forever. Thread-safe.
 */
final class ThreadReplacement implements StreamsUncaughtExceptionHandler {

  /** Replacements allowed within {@link #WINDOW}. */
  static final int MAX_REPLACEMENTS = 10;

  /** The window of {@link #MAX_REPLACEMENTS}. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  private final Deque<Long> replacements = new ArrayDeque<>();
  private final LongSupplier nanoClock;

  ThreadReplacement() {
    this(System::nanoTime);
  }

  /** With the clock of {@link System#nanoTime()}'s kind that tests move by hand. */
  ThreadReplacement(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
    long now = nanoClock.getAsLong();
    while (!replacements.isEmpty() && now - replacements.peekFirst() > WINDOW.toNanos()) {
      replacements.removeFirst();
    }
    if (replacements.size() >= MAX_REPLACEMENTS) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(now);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
