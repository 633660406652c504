package io.kafkamlp.cli;

import io.kafkamlp.nn.check.SanityCheck;
import io.kafkamlp.nn.check.SanityCheck.Check;
import io.kafkamlp.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code kafka-mlp sanity}: the notes' sanity checks, exit 1 when one fails. */
@Command(
    name = "sanity",
    mixinStandardHelpOptions = true,
    description =
        "Runs the sanity checks: initial softmax loss near ln(C) with regularization off, loss"
            + " rising with regularization strength, and 20 samples overfitted to 100%% training"
            + " accuracy. Prints each with its numbers; exits 1 when one fails.")
final class SanityCommand implements Callable<Integer>, ModelOptions.Taker {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Override
  public Integer call() {
    KafkaMlp.noteSimd();
    PrintWriter out = commandSpec.commandLine().getOut();
    ModelSpec spec = ModelOptions.spec(commandSpec);
    out.printf(
        "sanity checks: layers %s, %s, %s loss, %s lr %g%n",
        spec.layers(), spec.activation(), spec.loss(), spec.optimizer(), spec.learningRate());
    List<Check> checks = SanityCheck.run(spec);
    boolean all = true;
    for (Check check : checks) {
      out.printf("%-4s %-32s %s%n", check.passed() ? "ok" : "FAIL", check.name(), check.detail());
      all &= check.passed();
    }
    out.println(all ? "all sanity checks passed" : "sanity checks FAILED");
    out.flush();
    return all ? 0 : 1;
  }
}
