package io.kafkamlp.bench;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Work on a daemon thread of its own, never on a shared pool: on 2 cores the common pool has one
 * thread, and a task left running by a failed run would hold up the next run's.
 */
final class Background {

  private Background() {}

  /** Starts {@code work} on a new daemon thread named {@code name}. */
  static <T> CompletableFuture<T> start(String name, Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(work.get());
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
