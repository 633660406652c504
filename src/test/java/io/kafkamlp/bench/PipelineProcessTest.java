package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineProcessTest {

  @Test
  void shouldGiveTheChildItsWholeHeapAtStartWithFourTenthsOfItYoungAndPreTouched() {
    List<String> command =
        PipelineProcess.command(
            "127.0.0.1:9092",
            "1g",
            Path.of("/tmp/pipeline"),
            9404,
            List.of("--serving-lag-ms", "0"));

    assertTrue(command.contains("-Xmx1g"), command.toString());
    assertTrue(command.contains("-Xms1g"), "all of it committed at start: " + command);
    assertTrue(command.contains("-Xmn409m"), command.toString());
    assertTrue(
        PipelineProcess.command("b:1", "2048m", Path.of("d"), 1, List.of()).contains("-Xmn819m"),
        "the same share of any heap");
    int main = command.indexOf(PipelineProcess.MAIN_CLASS);
    assertTrue(
        command.subList(0, main).contains("-XX:+AlwaysPreTouch"),
        "a JVM option, the heap's pages written at start: " + command);
    assertEquals(
        List.of(
            "run",
            "--bootstrap-servers",
            "127.0.0.1:9092",
            "--metrics-port",
            "9404",
            "--data-dir",
            "/tmp/pipeline",
            "--serving-lag-ms",
            "0"),
        command.subList(main + 1, command.size()));
  }
}
