package io.kafkamlp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on.
 *
 * @param cpu the CPU model ({@code model name} in {@code /proc/cpuinfo}) and its widest SIMD
 *     ({@code AVX-512}, {@code AVX2} or none said)
 * @param cores processors available to the JVM
 * @param java the Java runtime, e.g. {@code OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1}
 * @param os the operating system and kernel
 */
public record Machine(String cpu, int cores, String java, String os) {

  /** This machine. */
  public static Machine current() {
    return new Machine(
        cpu(Path.of("/proc/cpuinfo")),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }

  /** The CPU described by a {@code /proc/cpuinfo} file; {@code unknown} if unreadable. */
  static String cpu(Path cpuinfo) {
    List<String> lines;
    try {
      lines = Files.readAllLines(cpuinfo);
    } catch (IOException e) {
      return "unknown";
    }
    String model = field(lines, "model name");
    String flags = " " + field(lines, "flags") + " ";
    String simd =
        flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : null;
    return simd == null ? model : model + " (" + simd + ")";
  }

  private static String field(List<String> lines, String name) {
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "unknown";
  }
}
