package io.kafkamlp.cli;

import io.kafkamlp.nn.kernel.MatrixKernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kafka-mlp} command line: wiring only. */
@Command(
    name = "kafka-mlp",
    mixinStandardHelpOptions = true,
    version = "kafka-mlp 0.1.0",
    description = "Trains multi-layer perceptrons continuously from Kafka event streams.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      BrokerCommand.class,
      ProduceCommand.class,
      ExportCommand.class,
      GradcheckCommand.class,
      SanityCommand.class,
      BenchCommand.class
    })
public final class KafkaMlp implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new KafkaMlp());
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommand() instanceof ModelOptions.Taker) {
        ModelOptions.addTo(sub.getCommandSpec());
      }
    }
    return cli;
  }

  @Override
  public void run() {
    commandSpec.commandLine().usage(System.out);
  }

  /** Says once on stderr when the SIMD kernels are off, and how to turn them on. */
  static void noteSimd() {
    if (!MatrixKernels.SIMD) {
      System.err.println(
          "note: SIMD kernels off (about 4x slower training); run java with"
              + " --add-modules jdk.incubator.vector to turn them on");
    }
  }
}
