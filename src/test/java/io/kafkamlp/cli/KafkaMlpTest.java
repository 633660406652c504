package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaMlpTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldPassAndPrintEachTensorWhenGradcheckOnSmallModel() {
    int code = run("gradcheck", "--layers", "8,6,4", "--activation", "tanh", "--l2", "0.01");

    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("dense0.W"), out.toString());
    assertTrue(out.toString().contains("dense1.b"), out.toString());
    assertTrue(out.toString().contains("PASS"), out.toString());
  }

  @Test
  void shouldExitNonZeroWhenGradcheckThresholdIsImpossible() {
    int code = run("gradcheck", "--layers", "8,6,4", "--threshold", "0", "--step", "1e-2");

    assertEquals(1, code, out.toString());
    assertTrue(out.toString().contains("FAIL"), out.toString());
  }

  @Test
  void shouldPassWhenSanityOnSmallModel() {
    int code = run("sanity", "--layers", "20,16,4");

    assertEquals(0, code, out + "" + err);
    assertTrue(out.toString().contains("all sanity checks passed"), out.toString());
  }

  @Test
  void shouldExitNonZeroWhenSanityFails() {
    int code = run("sanity", "--layers", "20,16,4", "--lr", "1e-9");

    assertEquals(1, code, out.toString());
    assertTrue(out.toString().contains("FAIL"), out.toString());
  }

  @Test
  void shouldReadConfigFileAndLetOptionsOverrideIt(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("model.properties");
    Files.writeString(config, "layers=6,5,3\nactivation=sigmoid\nloss=svm\n");

    int code = run("gradcheck", "--config", config.toString(), "--activation", "tanh");

    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("[6, 5, 3], tanh, svm"), out.toString());
  }

  @Test
  void shouldRejectUnknownValueWithKeyInMessage() {
    int code = run("sanity", "--optimizer", "lbfgs");

    assertTrue(code != 0);
    assertTrue(err.toString().contains("optimizer"), err.toString());
  }
}
