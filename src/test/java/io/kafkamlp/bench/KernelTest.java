package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelTest {

  @TempDir Path dir;

  private static String row(String precision, int batch, String rawData) {
    return "{\"benchmark\":\"io.kafkamlp.nn.TrainStepBenchmark.trainStep\",\"forks\":2,"
        + "\"measurementIterations\":2,\"params\":{\"batchSize\":\""
        + batch
        + "\",\"precision\":\""
        + precision
        + "\"},\"primaryMetric\":{\"score\":1,\"scoreUnit\":\"ops/s\",\"rawData\":"
        + rawData
        + "}}";
  }

  @Test
  void shouldTakeMedianOfAllIterationsTimesBatchWhenReadingJmhJson() throws Exception {
    Path file = dir.resolve("jmh.json");
    Files.writeString(
        file,
        "["
            + row("float", 32, "[[100,300],[200,400]]")
            + ","
            + row("double", 32, "[[1,1],[1,1]]")
            + ","
            + row("float", 256, "[[10,30],[20,20]]")
            + "]");
    List<Kernel> kernels = Kernel.fromJmhJson(file);
    assertEquals(2, kernels.size());
    assertEquals(32, kernels.get(0).batchSize());
    assertEquals(250 * 32.0, kernels.get(0).samplesPerSecond());
    assertEquals(
        List.of(3200.0, 9600.0, 6400.0, 12800.0), kernels.get(0).iterationSamplesPerSecond());
    assertEquals(2, kernels.get(0).forks());
    assertEquals(20 * 256.0, kernels.get(1).samplesPerSecond());
  }

  @Test
  void shouldKeepEachThreadCountApartWhenTheBenchmarkHasThreads() throws Exception {
    Path file = dir.resolve("jmh.json");
    String oneThread = row("float", 32, "[[100,100]]");
    String twoThreads = oneThread.replace("\"precision\"", "\"threads\":\"2\",\"precision\"");
    Files.writeString(
        file, "[" + oneThread + "," + twoThreads.replace("[[100,100]]", "[[150,150]]") + "]");

    List<Kernel> kernels = Kernel.fromJmhJson(file);

    assertEquals(1, kernels.get(0).threads(), "no threads parameter: one thread");
    assertEquals(2, kernels.get(1).threads());
    assertEquals(150 * 32.0, kernels.get(1).samplesPerSecond());
  }

  @Test
  void shouldReadRatesOrReasonWhenReadingPeerJson() throws Exception {
    Path file = dir.resolve("peer.json");
    Files.writeString(
        file,
        "{\"peer\":\"PyTorch 1.13.1\",\"threads\":1,\"results\":[{\"batch\":32,\"median\":2100.5},"
            + "{\"batch\":256,\"median\":2400}]}");
    Peer peer = Peer.fromJson(file);
    assertEquals("PyTorch 1.13.1, 1 thread(s)", peer.name());
    assertEquals(Map.of(32, 2100.5, 256, 2400.0), peer.samplesPerSecond());
    Files.writeString(file, "{\"skipped\":\"no torch\"}");
    assertEquals(Peer.skipped("no torch"), Peer.fromJson(file));
  }
}
