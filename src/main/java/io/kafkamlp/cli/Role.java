package io.kafkamlp.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Which of the pipeline's two Kafka Streams applications a process runs: both ({@code all}), only
 * the trainer or only the server. Instances of one application (same {@code --application-id})
 * share its work through Kafka's group protocol, so trainers and servers scale and fail over
 * independently.
 */
enum Role {
  ALL,
  TRAINER,
  SERVER;

  /** Whether this role runs the trainer application. */
  boolean trains() {
    return this != SERVER;
  }

  /** Whether this role runs the server application. */
  boolean serves() {
    return this != TRAINER;
  }

  /** The option value: {@code all}, {@code trainer} or {@code server}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code all}, {@code trainer} or {@code server}, in any case. */
  static final class Converter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      for (Role role : values()) {
        if (role.toString().equalsIgnoreCase(value)) {
          return role;
        }
      }
      throw new TypeConversionException(
          "expected one of all, trainer, server but was '" + value + "'");
    }
  }
}
