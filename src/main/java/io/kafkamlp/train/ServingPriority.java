package io.kafkamlp.train;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Serving before training in one process: the server reports how late it answers each request
 * ({@link #answered}), and while it answers later than usual by more than a set lag, each training
 * thread yields between records ({@link Turns#await}), so that on a machine whose cores training
 * fills the server gets one back. Yielding changes when records are learned, never what a model
 * learns (the snapshot and checkpoint rules read the stream thread's clock, see {@link
 * TrainingLoop}).
 *
 * <ul>
 *   <li><b>Behind</b>: the latest answer was later than the baseline by more than the lag, and it
 *       came at most {@link #FRESH} ago (no answer for that long: no requests, or a stalled server
 *       that yielding did not help).
 *   <li><b>Baseline</b>: the least lateness of the last {@link #PERIOD} with an answer (0 before
 *       the first ends). It takes out what a constant offset adds to every request's age (producers
 *       whose clock differs from this one, timestamps set to an earlier event time), and it stops a
 *       backlog that yielding does not drain within a period from holding training back.
 *   <li><b>Budget</b>: each training thread yields at most {@link #SHARE} of the time, and at most
 *       {@link #MAX_CREDIT} at once, earning its credit by training: training keeps going whatever
 *       the server reports.
 * </ul>
 *
 * <p>{@link #answered} from the server's stream threads, {@link Turns#await} from one training
 * thread per {@link Turns}; a priority may serve any number of both.
 */
public final class ServingPriority {

  /** No priority: training never yields. */
  public static final ServingPriority NONE = new ServingPriority();

  /** How long an answer counts as the server's state. */
  static final Duration FRESH = Duration.ofMillis(250);

  /** The baseline is the least lateness of a period this long. */
  static final Duration PERIOD = Duration.ofSeconds(10);

  /** The largest share of the time a training thread yields. */
  static final double SHARE = 0.5;

  /** The longest a training thread yields at once, and the credit it saves up at most. */
  static final Duration MAX_CREDIT = Duration.ofSeconds(1);

  /** How long a yielding thread sleeps between looks at the server's state. */
  static final Duration PARK = Duration.ofNanos(250_000);

  private final boolean enabled;
  private final long lagMillis;
  private final LongSupplier clock;
  private final LongConsumer sleep;

  /** Lateness of the latest answer beyond the baseline. */
  private volatile long latestLagMillis = Long.MIN_VALUE;

  /** When the latest answer came, on {@link #clock}. */
  private volatile long latestNanos;

  private long baselineMillis; // guarded by this, as the period's fields
  private long periodStartNanos;
  private long periodMinMillis = Long.MAX_VALUE;
  private boolean periodStarted;

  private ServingPriority() {
    this.enabled = false;
    this.lagMillis = Long.MAX_VALUE;
    this.clock = System::nanoTime;
    this.sleep = LockSupport::parkNanos;
  }

  /**
   * @param lag how much later than usual the server may answer before training yields; more than 0
   * @throws IllegalArgumentException if {@code lag} is not positive
   */
  public ServingPriority(Duration lag) {
    this(lag, System::nanoTime, LockSupport::parkNanos);
  }

  /**
   * As above, on {@code clock} (nanoseconds, as {@link System#nanoTime}), sleeping with {@code
   * sleep} (nanoseconds): for tests.
   */
  ServingPriority(Duration lag, LongSupplier clock, LongConsumer sleep) {
    if (lag.isNegative() || lag.isZero()) {
      throw new IllegalArgumentException("serving lag must be > 0, got " + lag);
    }
    this.enabled = true;
    this.lagMillis = lag.toMillis();
    this.clock = clock;
    this.sleep = sleep;
  }

  /** Whether training ever yields: false for {@link #NONE}. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * After the server answered a request.
   *
   * @param lateMillis from the request's timestamp to its answer
   */
  public synchronized void answered(long lateMillis) {
    if (!enabled) {
      return;
    }
    long now = clock.getAsLong();
    if (!periodStarted) {
      periodStarted = true;
      periodStartNanos = now;
    } else if (now - periodStartNanos >= PERIOD.toNanos()) {
      baselineMillis = periodMinMillis; // set: the answer that started the period counted
      periodMinMillis = Long.MAX_VALUE;
      periodStartNanos = now;
    }
    periodMinMillis = Math.min(periodMinMillis, lateMillis);
    latestNanos = now;
    latestLagMillis = lateMillis - baselineMillis;
  }

  /** Whether the server is behind, as of {@code now}. */
  private boolean behind(long now) {
    return latestLagMillis > lagMillis && now - latestNanos <= FRESH.toNanos();
  }

  /** A training thread's turns: its budget of yielding. */
  public Turns turns() {
    return new Turns();
  }

  /** One training thread's yielding; use from that thread only. */
  public final class Turns {

    private long creditNanos = MAX_CREDIT.toNanos();
    private long lastNanos = Long.MIN_VALUE;

    private Turns() {}

    /**
     * Returns at once unless the server is behind; then waits until it has caught up, as long as
     * this thread's budget allows.
     *
     * @return nanoseconds it waited
     */
    public long await() {
      if (latestLagMillis <= lagMillis) {
        return 0; // the common case: one volatile read
      }
      long now = clock.getAsLong();
      if (lastNanos != Long.MIN_VALUE) {
        // the time it trained since it last looked earns credit: as much again at a share of 1/2
        double earned = (now - lastNanos) * (SHARE / (1 - SHARE));
        creditNanos = (long) Math.min(MAX_CREDIT.toNanos(), creditNanos + earned);
      }
      lastNanos = now;
      if (!behind(now) || creditNanos <= 0) {
        return 0;
      }
      long start = now;
      do {
        sleep.accept(PARK.toNanos());
        now = clock.getAsLong();
      } while (behind(now) && now - start < creditNanos);
      creditNanos -= now - start;
      lastNanos = now; // yielding earns nothing
      return now - start;
    }
  }
}
