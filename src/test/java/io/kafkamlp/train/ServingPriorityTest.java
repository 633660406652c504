package io.kafkamlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** Serving's priority over training, on a clock the test moves. */
class ServingPriorityTest {

  private static final Duration LAG = Duration.ofMillis(20);
  private static final long MS = 1_000_000L;
  private static final long PARK = ServingPriority.PARK.toNanos();

  /** The test's clock: it moves when the test says, or when a yielding thread sleeps. */
  private long now = 1_000 * MS;

  /** What the server does while training sleeps, given the clock after each sleep. */
  private LongConsumer server = t -> {};

  private int sleeps;

  private final ServingPriority priority =
      new ServingPriority(
          LAG,
          () -> now,
          nanos -> {
            sleeps++;
            now += nanos;
            server.accept(now);
          });

  private final ServingPriority.Turns turns = priority.turns();

  @Test
  void shouldNeverYieldWhileTheServerAnswersOnTime() {
    for (int i = 0; i < 100; i++) {
      priority.answered(3 + i % 18); // up to 20 ms late: on time
      assertEquals(0, turns.await());
      now += MS;
    }
    assertEquals(0, sleeps);
  }

  @Test
  void shouldYieldUntilTheServerAnswersOnTimeAgain() {
    priority.answered(5);
    now += MS;
    priority.answered(80); // 80 ms late: behind
    long caughtUp = now + 3 * MS;
    server = t -> priority.answered(t >= caughtUp ? 4 : 60);

    assertEquals(3 * MS, turns.await(), "until the first answer on time, 3 ms on");
    assertEquals(3 * MS / PARK, sleeps);
    assertEquals(0, turns.await(), "caught up");
  }

  @Test
  void shouldStopYieldingWhenAnswersStopComing() {
    priority.answered(500);
    long yielded = turns.await();
    // no requests, or a server yielding does not help: the last answer stops counting
    assertTrue(yielded > ServingPriority.FRESH.toNanos(), "yielded " + yielded);
    assertTrue(yielded <= ServingPriority.FRESH.toNanos() + PARK, "yielded " + yielded);
    assertEquals(0, turns.await());
  }

  @Test
  void shouldYieldAtMostHalfTheTimeHoweverLongTheServerIsBehind() {
    server = t -> priority.answered(200); // always behind, whatever training does
    long start = now;
    long yielded = 0;
    for (int record = 0; record < 20_000; record++) {
      yielded += turns.await();
      now += MS / 10; // 100 us of training a record
      priority.answered(200);
    }
    long elapsed = now - start;
    long maxCredit = ServingPriority.MAX_CREDIT.toNanos();
    assertTrue(yielded > 0.45 * elapsed, yielded + " of " + elapsed);
    assertTrue(
        yielded <= ServingPriority.SHARE * elapsed + maxCredit + PARK, yielded + " of " + elapsed);
  }

  @Test
  void shouldYieldAtMostItsCreditAtOnce() {
    server = t -> priority.answered(200);
    priority.answered(200);
    long first = turns.await();
    assertTrue(first >= ServingPriority.MAX_CREDIT.toNanos(), "all of the first second " + first);
    assertTrue(first < ServingPriority.MAX_CREDIT.toNanos() + PARK, "and no more " + first);
    assertEquals(0, turns.await(), "no credit left");
    now += 100 * MS; // training ran 100 ms: as much credit
    priority.answered(200);
    long second = turns.await();
    assertTrue(second >= 100 * MS && second < 100 * MS + PARK, "as long as it ran " + second);
  }

  @Test
  void shouldTakeAConstantOffsetOutAfterAPeriod() {
    // the producers' clock is 500 ms behind this one: every request looks 500 ms late
    long periodEnd = now + ServingPriority.PERIOD.toNanos();
    while (now < periodEnd) {
      priority.answered(500 + (now / MS) % 7);
      now += 10 * MS;
    }
    priority.answered(503); // the first answer of the next period: the baseline is 500 ms
    assertEquals(0, turns.await());
    assertEquals(0, sleeps);

    priority.answered(560); // 60 ms later than usual: behind
    server = t -> priority.answered(502);
    assertEquals(PARK, turns.await());
  }

  @Test
  void shouldLetGoOfABacklogThatLastsAWholePeriod() {
    // a backlog yielding does not drain (say, a slow broker): training yields while the period
    // lasts, at most half the time, then the backlog is the baseline
    long yielded = 0;
    long start = now;
    while (now - start <= ServingPriority.PERIOD.toNanos()) {
      priority.answered(2_000);
      yielded += turns.await();
      now += MS;
    }
    long duringThePeriod = yielded;
    for (int i = 0; i < 5_000; i++) {
      priority.answered(2_000 + i % 10);
      yielded += turns.await();
      now += MS;
    }
    assertTrue(duringThePeriod > 0);
    assertEquals(duringThePeriod, yielded, "the backlog is the baseline now");
  }

  @Test
  void shouldNeverYieldWithoutAPriority() {
    ServingPriority.NONE.answered(10_000);
    assertFalse(ServingPriority.NONE.enabled());
    assertEquals(0, ServingPriority.NONE.turns().await());
  }

  @Test
  void shouldRefuseALagThatIsNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> new ServingPriority(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new ServingPriority(Duration.ofMillis(-1)));
  }
}
