package io.kafkamlp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {

  @TempDir Path dir;

  @Test
  void shouldNameModelAndWidestSimdWhenCpuinfoHasThem() throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(
        cpuinfo,
        "processor\t: 0\nmodel name\t: Intel Xeon\nflags\t\t: fpu sse2 avx2 avx512f\n\n"
            + "processor\t: 1\nmodel name\t: Intel Xeon\n");
    assertEquals("Intel Xeon (AVX-512)", Machine.cpu(cpuinfo));
    Files.writeString(cpuinfo, "model name : AMD EPYC\nflags : fpu avx2\n");
    assertEquals("AMD EPYC (AVX2)", Machine.cpu(cpuinfo));
  }

  @Test
  void shouldSayUnknownWhenCpuinfoIsMissing() {
    assertEquals("unknown", Machine.cpu(dir.resolve("absent")));
  }
}
