package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServingTest {

  private static final int RATE = 4; // requests a second

  @Test
  void shouldCutTheRequestsIntoSlicesInOrderTheLastOneShorter() {
    RequestLatencies latencies = new RequestLatencies(10);
    for (int i = 0; i < 10; i++) {
      latencies.record(i, 100 - 10 * i, i == 9, 0L); // a backlog draining; the last: no model yet
    }
    List<Serving.Window> slices =
        Serving.slices(
            10,
            4,
            (from, to) ->
                Serving.Window.of(
                    latencies.latencies(from, to), latencies.noModelYet(from, to), from, to, RATE));

    assertEquals(3, slices.size());
    assertEquals(new Serving.Window(0, 1, 4, 4, 0, 80, 100, 100), slices.get(0));
    assertEquals(new Serving.Window(1, 2, 4, 4, 0, 40, 60, 60), slices.get(1));
    assertEquals(new Serving.Window(2, 2.5, 2, 1, 1, 20, 20, 20), slices.get(2));
  }

  @Test
  void shouldGiveNoSliceOfNoRequests() {
    assertEquals(List.of(), Serving.slices(0, 5, (from, to) -> null));
  }

  @Test
  void shouldRefuseAnEmptySlice() {
    assertThrows(IllegalArgumentException.class, () -> Serving.slices(10, 0, (from, to) -> null));
  }
}
