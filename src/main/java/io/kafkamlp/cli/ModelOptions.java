package io.kafkamlp.cli;

import io.kafkamlp.spec.ModelSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The model options shared by every command that builds a model: one {@code --key} option per
 * {@link ModelSpec} key, with the key's description and default taken from {@link ModelSpec#DOCS}
 * and {@link ModelSpec#defaults()}, so a key added to the spec is an option everywhere at once.
 * {@code --config FILE} reads the same keys from a properties file; options given on the command
 * line override the file.
 */
final class ModelOptions {

  /** Marks a command that takes the model options. */
  interface Taker {}

  static final String CONFIG_OPTION = "--config";

  private ModelOptions() {}

  /** Adds {@code --config} and the model options to {@code command}. */
  static void addTo(CommandSpec command) {
    command.addOption(
        OptionSpec.builder(CONFIG_OPTION)
            .paramLabel("FILE")
            .type(Path.class)
            .description("Properties file with model keys (layers=..., lr=...).")
            .build());
    Properties defaults = ModelSpec.defaults().toProperties();
    for (Map.Entry<String, String> key : ModelSpec.DOCS.entrySet()) {
      OptionSpec.Builder option =
          OptionSpec.builder("--" + key.getKey())
              .type(String.class)
              .paramLabel(key.getKey().toUpperCase(java.util.Locale.ROOT).replace('-', '_'))
              .description(
                  key.getValue() + " (default " + defaults.getProperty(key.getKey()) + ").");
      if (key.getKey().equals(ModelSpec.BATCH_NORM_CONFIG)) {
        option.arity("0..1").fallbackValue("true");
      }
      command.addOption(option.build());
    }
  }

  /**
   * The spec the parsed options describe: defaults, then the config file, then the options.
   *
   * @throws IllegalArgumentException naming the bad key or the unreadable file
   */
  static ModelSpec spec(CommandSpec command) {
    ModelSpec spec = ModelSpec.defaults();
    Path config = command.findOption(CONFIG_OPTION).getValue();
    if (config != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(config)) {
        file.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config " + config + ": " + e, e);
      }
      spec = spec.with(file);
    }
    Properties given = new Properties();
    for (String key : ModelSpec.DOCS.keySet()) {
      String value = command.findOption("--" + key).getValue();
      if (value != null) {
        given.setProperty(key, value);
      }
    }
    return spec.with(given);
  }
}
