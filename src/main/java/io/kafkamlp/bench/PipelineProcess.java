package io.kafkamlp.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline ({@code kafka-mlp run}) in a JVM of its own, joined to a running broker, so that its
 * heap and CPU are its own: {@code java --add-modules jdk.incubator.vector -Xms<heap> -Xmx<heap>
 * -Xmn<young> -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError -cp <this JVM's class path>
 * io.kafkamlp.cli.KafkaMlp run --bootstrap-servers ... --metrics-port <free port> --data-dir
 * <dir>}. Its stdout and stderr go to {@code <dir>/pipeline.log}.
 *
 * <p>{@link #close} stops it as SIGTERM does (state committed, final snapshots published), and
 * kills it if it has not exited within 60 s.
 */
public final class PipelineProcess implements AutoCloseable {

  /** The main class of the kafka-mlp jar. */
  public static final String MAIN_CLASS = "io.kafkamlp.cli.KafkaMlp";

  /**
   * Share of the child's heap given to its young generation ({@code -Xmn}). The pipeline allocates
   * about 500 MB/s training at full speed (records, their parsed features, the replay log's values,
   * checkpoints), and much of it lives a fraction of a second (the store caches, the training
   * queue). Left to itself, G1 kept the young generation at 150-200 MB of a 1 GiB heap: two to four
   * collections a second, each promoting what had not yet died. With 400 MB, ten-pass runs paused
   * 947-988 ms in 63-65 collections against 1,839-2,912 ms in 128-257, and peaked at 415-436 MiB of
   * heap in use against 484-612 (alternating runs, 2026-11-30).
   */
  static final double YOUNG_SHARE = 0.4;

  /**
   * The JVM writes every page of its heap as it commits it (at start, the young generation and the
   * initial heap), so that the first collections' cycles through eden do not fault pages in while
   * the server answers. On this project's VM a page the host has taken back costs 10-18 us to fault
   * in again (see the README, "What the broker's writes cost"), about a second of CPU for 400 MB of
   * eden; starting with it takes 0.35 s more for a 1 GiB heap there. Serving benches, the first 30
   * s after the first answer, three pairs of three runs alternating (labeled stream at 8,269/s,
   * 2026-12-01): p99 168, 52, 40 / 119, 60, 38 / 290, 102, 35 ms with it against 317, 69, 40 / 175,
   * 137, 39 / 214, 173, 37 without (the benches' medians 52, 60, 102 against 69, 137, 173).
   *
   * <p>With it the whole heap is committed at start ({@code -Xms} equal to {@code -Xmx}): a heap
   * that grows later commits and writes its new 1 MiB regions inside a collection's pause, one at a
   * time, and in 150-s serving runs at 8,567 labeled/s (Intel Xeon VM, 2026-12-01, {@code
   * -Xlog:gc*=debug}) 88 regions were pre-touched in pauses, which took up to 275 ms. With the heap
   * whole from the start, two alternating pairs: 105-107 pauses of 936-1,041 ms in all, at most 50
   * and 64 ms, against 171-183 pauses of 1,775-1,786 ms, at most 102 and 128 ms.
   */
  static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

  private final Process process;
  private final int metricsPort;
  private final Path log;
  private final long startedMillis;
  private final Thread killOnExit;

  private PipelineProcess(Process process, int metricsPort, Path log, long startedMillis) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
    this.startedMillis = startedMillis;
    this.killOnExit = new Thread(process::destroyForcibly, "bench-kill-pipeline");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts the pipeline; see {@link #awaitReady} to wait for it.
   *
   * @param maxHeap the child's {@code -Xmx}, e.g. {@code 1g}
   * @param dataDir the child's {@code --data-dir} (its Kafka Streams state), created if needed
   * @param options more options of {@code run} for the child
   */
  public static PipelineProcess start(
      String bootstrapServers, String maxHeap, Path dataDir, List<String> options) {
    try {
      Files.createDirectories(dataDir);
      int port = freePort();
      Path log = dataDir.resolve("pipeline.log");
      List<String> command = command(bootstrapServers, maxHeap, dataDir, port, options);
      long startedMillis = System.currentTimeMillis();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new PipelineProcess(process, port, log, startedMillis);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the pipeline process", e);
    }
  }

  /** The child's command line: this JVM's java and class path, the options in the class comment. */
  static List<String> command(
      String bootstrapServers, String maxHeap, Path dataDir, int port, List<String> options) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "-Xms" + maxHeap,
            "-Xmx" + maxHeap,
            "-Xmn" + (long) (Target.heapBytes(maxHeap) * YOUNG_SHARE / (1 << 20)) + "m",
            PRE_TOUCH,
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            MAIN_CLASS,
            "run",
            "--bootstrap-servers",
            bootstrapServers,
            "--metrics-port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString()));
    command.addAll(options);
    return command;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** When the child was started, epoch ms: before its JVM, so before it could learn anything. */
  public long startedMillis() {
    return startedMillis;
  }

  /** The child's {@code /metrics} endpoint. */
  public URI metricsUri() {
    return URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
  }

  /**
   * Waits until {@code sampler} (scraping {@link #metricsUri}) has scraped once: the pipeline
   * serves {@code /metrics} only once both its applications run.
   *
   * @throws IllegalStateException if the child exits first or does not get ready in {@code
   *     timeout}; the message ends with the tail of its log
   */
  public void awaitReady(MetricsSampler sampler, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sampler.scrapes() == 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the pipeline exited with " + process.exitValue() + " while starting:\n" + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the pipeline did not start in " + timeout + ":\n" + logTail());
      }
      Thread.sleep(100);
    }
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Whether the child ran out of heap (it exits then: {@code -XX:+ExitOnOutOfMemoryError}). */
  public boolean outOfMemory() {
    try {
      return Files.exists(log) && Files.readString(log).contains("OutOfMemoryError");
    } catch (IOException e) {
      return false;
    }
  }

  /** The last 30 lines of the child's log. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the child cleanly (SIGTERM), and kills it if it has not exited within 60 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }
}
