package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.data.IdxReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A smoke test of {@code bench}: one tiny end-to-end run (a real broker here, the pipeline in a
 * child JVM) and the report written. About 20 s on a quiet 2-core machine. Needs Fashion-MNIST
 * (Debian's dataset-fashion-mnist, which CI installs); skipped without it.
 */
class BenchCommandTest {

  @TempDir Path out;

  @Test
  void shouldWriteReportWhenOneTinyEndToEndRunIsMeasured() throws Exception {
    assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST), "no Fashion-MNIST installed");
    StringWriter output = new StringWriter();

    int code = tinyBench(output, "--parts", "END_TO_END", "--formats", "binary", "--repeats", "1");

    assertEquals(0, code, output.toString());
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    JsonNode run = report.path("endToEnd").path("binary").path("runs").get(0);
    long learned = run.path("samplesLearned").asLong();
    assertTrue(
        learned >= 320 && learned % 32 == 0, report.toString()); // ~90% of 400, whole batches
    assertTrue(run.path("samplesPerSecond").asDouble() > 0, report.toString());
    assertTrue(run.path("memory").path("heapUsedBytes").asDouble() > 0, report.toString());
    assertTrue(run.path("cpu").path("pipelineSeconds").asDouble() > 0, report.toString());
    assertTrue(run.path("cpu").path("benchSeconds").asDouble() > 0, report.toString());
    assertTrue(report.path("accuracy").path("onePassTestAccuracy").isNumber(), report.toString());
    String markdown = Files.readString(out.resolve("report.md"));
    assertTrue(markdown.contains("| end to end (exactly_once_v2), binary |"), markdown);
    assertTrue(markdown.contains("| CPU per sample learned, end to end, binary |"), markdown);
  }

  @Test
  void shouldDrainABacklogWhenTheAccuracyRunIsAskedToReadOne() throws Exception {
    assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST), "no Fashion-MNIST installed");
    StringWriter output = new StringWriter();

    int code =
        tinyBench(
            output,
            "--parts",
            "ACCURACY",
            "--accuracy-source",
            "backlog",
            "--accuracy-passes",
            "2");

    assertEquals(0, code, output.toString());
    JsonNode run =
        new ObjectMapper()
            .readTree(out.resolve("report.json").toFile())
            .path("accuracy")
            .path("passes");
    assertEquals("backlog", run.path("source").asText(), run.toString());
    assertEquals(2, run.path("passes").asInt(), run.toString());
    long learned = run.path("samplesLearned").asLong();
    assertTrue(learned >= 640 && learned % 32 == 0, run.toString()); // ~90% of 800
    assertTrue(run.path("seconds").asDouble() > 0, run.toString());
    String markdown = Files.readString(out.resolve("report.md"));
    assertTrue(markdown.contains("| accuracy after 2 passes (binary, from a backlog) |"), markdown);
  }

  /**
   * Runs {@code bench} with {@code options} over 400 training and 50 test records (two minutes at
   * most a phase), into {@link #out}; its stdout and stderr go to {@code output}.
   */
  private int tinyBench(StringWriter output, String... options) {
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(output));
    cli.setErr(new PrintWriter(output));
    List<String> args = new ArrayList<>(List.of("bench"));
    args.addAll(List.of(options));
    args.addAll(
        List.of(
            "--max-samples",
            "400",
            "--test-samples",
            "50",
            "--timeout-seconds",
            "120",
            "--out",
            out.toString()));
    return cli.execute(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @CsvSource({
    "--serving-rate, 0, '--serving-rate must be at least 1: 0'",
    "--repeats, 0, '--repeats must be at least 1: 0'",
    "--max-samples, -5, '--max-samples must be at least 1: -5'",
    "--test-samples, 0, '--test-samples must be at least 1: 0'",
    "--serving-seconds, 0, '--serving-seconds must be at least 1: 0'",
    "--serving-warmup-seconds, -1, '--serving-warmup-seconds must be at least 0: -1'",
    "--accuracy-passes, 0, '--accuracy-passes must be at least 1: 0'",
    "--timeout-seconds, 0, '--timeout-seconds must be at least 1: 0'",
    "--serving-lag-ms, -1, '--serving-lag-ms must be at least 0: -1'",
    "--serving-training-rate, 0, '--serving-training-rate must be above 0: 0.0'",
    "--serving-training-rate, NaN, '--serving-training-rate must be above 0: NaN'",
    "--accuracy-source, sideways, 'unknown source: sideways (live or backlog)'"
  })
  void shouldRefuseACountOrRateThatMeasuresNothingBeforeStartingAnything(
      String option, String value, String message) {
    StringWriter stderr = new StringWriter();
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(stderr));

    int code = cli.execute("bench", option, value, "--out", out.toString());

    assertNotEquals(0, code, stderr.toString());
    assertTrue(stderr.toString().contains(message), stderr.toString());
    assertFalse(Files.exists(out.resolve("work")), "nothing started");
  }
}
