package io.kafkamlp.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmark's scratch folders: brokers' logs and pipelines' state, deleted between runs. */
public final class WorkDirs {

  private WorkDirs() {}

  /**
   * Deletes {@code dir} and everything below it; nothing happens if it does not exist.
   *
   * @throws UncheckedIOException if something cannot be deleted
   */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
