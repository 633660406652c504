package io.kafkamlp.replay;

import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import java.util.Locale;

/** The two record formats of the {@code samples} topic, by their command-line names. */
public enum SampleFormat {
  /** {@link SampleCodec#toJson}: what any client can write. */
  JSON,
  /** {@link SampleCodec#toBinary}: the compact format, for throughput. */
  BINARY;

  /**
   * The format named {@code name}, {@code json} or {@code binary} (any case).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static SampleFormat of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "binary" -> BINARY;
      default -> throw new IllegalArgumentException("--format must be json or binary, got " + name);
    };
  }

  /** The record value of {@code sample} in this format. */
  public byte[] encode(Sample sample) {
    return this == JSON ? SampleCodec.toJson(sample) : SampleCodec.toBinary(sample);
  }

  /** The command-line name: {@code json} or {@code binary}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
