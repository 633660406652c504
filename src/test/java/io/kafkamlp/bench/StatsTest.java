package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void shouldTakeMiddleValueWhenCountIsOdd() {
    assertEquals(3.0, Stats.median(List.of(5.0, 1.0, 3.0)));
  }

  @Test
  void shouldAverageMiddleValuesWhenCountIsEven() {
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
  }

  @Test
  void shouldBeNanWhenThereAreNoValues() {
    assertTrue(Double.isNaN(Stats.median(List.of())));
  }

  @Test
  void shouldTakeNearestRankWhenAskedForPercentile() {
    long[] oneToHundred = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray();
    assertEquals(50, Stats.percentile(oneToHundred, 50));
    assertEquals(99, Stats.percentile(oneToHundred, 99));
    assertEquals(100, Stats.percentile(oneToHundred, 100));
    assertEquals(1, Stats.percentile(oneToHundred, 0));
    // 10 values: the 99th percentile is the largest (rank ceil(9.9) = 10), p50 the 5th.
    long[] ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    assertEquals(10, Stats.percentile(ten, 99));
    assertEquals(5, Stats.percentile(ten, 50));
  }

  @Test
  void shouldLeaveInputAloneWhenTakingPercentile() {
    long[] values = {3, 1, 2};
    Stats.percentile(values, 50);
    assertArrayEquals(new long[] {3, 1, 2}, values);
  }

  @Test
  void shouldRefuseWhenPercentileHasNoValuesOrBadP() {
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 50));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 101));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, -1));
  }
}
