package io.kafkamlp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code kafka-mlp} command in a JVM of its own, started as a user starts it (the test's class
 * path, SIMD on), its stdout and stderr in a log file. The fault tests kill these with SIGKILL or
 * stop them with SIGTERM; {@link #close} kills, so a {@code try}/{@code finally} leaves nothing
 * running.
 */
final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code kafka-mlp args...}.
   *
   * @param name for messages; also the log file's name ({@code <name>.log} in {@code logDir})
   */
  static ChildJvm start(String name, Path logDir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // The jar's own logging (Kafka at WARN), not the tests' quiet one: the log shows what a user
    // would see, and failure messages quote it.
    command.add("-Dlog4j2.configurationFile=log4j2.xml");
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(KafkaMlp.class.getName());
    command.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ChildJvm(name, process, log);
  }

  /**
   * Waits until the output has a line containing {@code text}.
   *
   * @throws AssertionError with the output's tail if the process exits first or time runs out
   */
  ChildJvm awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited ("
                + process.exitValue()
                + ") before printing '"
                + text
                + "':\n"
                + tail());
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        name + " did not print '" + text + "' within " + timeout + ":\n" + tail());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as the OOM killer or a lost machine would; returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * SIGTERM, as an orchestrator's stop does; waits up to {@code timeout} for a clean exit.
   *
   * @return the exit code
   * @throws AssertionError if it has not exited in time (it is then killed)
   */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError(name + " did not stop within " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  /** The last 60 lines of the output, for failure messages. */
  String tail() {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the process (SIGKILL) if it still runs. */
  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
