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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(stdout));
    cli.setErr(new PrintWriter(stderr));

    int code =
        cli.execute(
            "bench",
            "--parts",
            "END_TO_END",
            "--formats",
            "binary",
            "--repeats",
            "1",
            "--max-samples",
            "400",
            "--test-samples",
            "50",
            "--timeout-seconds",
            "120",
            "--out",
            out.toString());

    assertEquals(0, code, stdout + "\n" + stderr);
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
  void shouldRefuseAServingRateOfNoRequestsBeforeStartingAnything() {
    StringWriter stderr = new StringWriter();
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(stderr));

    int code = cli.execute("bench", "--serving-rate", "0", "--out", out.toString());

    assertNotEquals(0, code, stderr.toString());
    assertTrue(
        stderr.toString().contains("--serving-rate must be at least 1 request a second: 0"),
        stderr.toString());
    assertFalse(Files.exists(out.resolve("report.json")), "nothing measured, no report");
  }
}
