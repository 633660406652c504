package io.kafkamlp.cli;

import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.TrainerSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that run the pipeline: where Kafka is, the models, the trainer. */
final class TrainerOptions {

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT,...",
      description =
          "Kafka cluster to join. Without it an embedded single-node broker starts on"
              + " 127.0.0.1:--broker-port.")
  String bootstrapServers;

  @Option(names = "--broker-port", description = "Port of the embedded broker (default 9092).")
  int brokerPort = 9092;

  @Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--data-dir",
      description =
          "Directory of the embedded broker's log and the applications' state (default"
              + " kafka-mlp-data).")
  Path dataDir = Path.of("kafka-mlp-data");

  @Option(
      names = "--application-id",
      description = "Prefix of the Kafka Streams application ids (default kafka-mlp).")
  String applicationId = "kafka-mlp";

  @Option(
      names = "--metrics-port",
      description =
          "Port of GET /metrics (Prometheus) and /weights/<model>/layer0.png (default 9404; 0: a"
              + " free port; -1: off).")
  int metricsPort = 9404;

  @Option(
      names = "--metrics-address",
      paramLabel = "HOST",
      description =
          "Address the metrics endpoint binds to (default 0.0.0.0, every interface, so that"
              + " Prometheus in another container reaches it; 127.0.0.1: this host only).")
  String metricsAddress = "0.0.0.0";

  @Option(
      names = "--max-record-bytes",
      description =
          "Longest sample record accepted, in bytes, checked before parsing; longer ones go to"
              + " samples-dlq, cut to this length (default 1048576, at most 1073741824).")
  int maxRecordBytes = SampleLimits.DEFAULT_MAX_RECORD_BYTES;

  @Option(
      names = "--max-features",
      description =
          "Most features (and labels or targets) in one sample record, checked before the array"
              + " is read; more go to samples-dlq (default 65536).")
  int maxFeatures = SampleLimits.DEFAULT_MAX_FEATURES;

  @Option(
      names = "--streams-config",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka Streams (or, prefixed, client) config for both applications, overriding"
              + " kafka-mlp's own; e.g. num.stream.threads=2. Repeatable.")
  Map<String, String> streamsConfig = new LinkedHashMap<>();

  @Option(
      names = "--model",
      paramLabel = "NAME=FILE",
      description =
          "Another model, trained from the records whose \"model\" field is NAME, described by a"
              + " properties file of model keys. Repeatable.")
  List<String> extraModels = List.of();

  @Option(
      names = "--validation-fraction",
      description = "Share of labeled records kept for validation, by key hash (default 0.1).")
  double validationFraction = TrainerSettings.defaults().validationFraction();

  @Option(
      names = "--normalizer-forgetting",
      description =
          "0: exact running mean and variance; in (0, 1): exponentially weighted, for drifting"
              + " streams (default 0).")
  double normalizerForgetting = TrainerSettings.defaults().normalizerForgetting();

  @Option(
      names = "--window-batches",
      description = "Batches averaged by the prequential and validation metrics (default 100).")
  int windowBatches = TrainerSettings.defaults().windowBatches();

  @Option(
      names = "--checkpoint-batches",
      description = "Checkpoint a model's state every N batches (default 200)...")
  int checkpointBatches = TrainerSettings.defaults().checkpointEveryBatches();

  @Option(names = "--checkpoint-seconds", description = "...or every T seconds (default 30).")
  long checkpointSeconds = TrainerSettings.defaults().checkpointInterval().toSeconds();

  @Option(
      names = "--snapshot-batches",
      description = "Publish a model snapshot every N batches (default 400)...")
  int snapshotBatches = TrainerSettings.defaults().snapshotEveryBatches();

  @Option(names = "--snapshot-seconds", description = "...or every T seconds (default 1).")
  long snapshotSeconds = TrainerSettings.defaults().snapshotInterval().toSeconds();

  @Option(
      names = "--training-queue",
      description =
          "Records the stream thread may parse and log ahead of the model's training thread"
              + " (default 1024); 0 trains on the stream thread, between Kafka's work. Above 1024"
              + " the replay log (4096 records) may make it wait for a checkpoint first.")
  int trainingQueue = TrainerSettings.defaults().trainingQueue();

  @Option(
      names = "--training-threads",
      description =
          "Threads that share each training step (its large matrix products, its update and"
              + " gradient scan), the training thread included (default 1, or 2 on a machine of"
              + " 4 cores or more); the model learns the same bits with any number.")
  int trainingThreads = TrainerSettings.defaults().trainingThreads();

  @Option(
      names = "--serving-lag-ms",
      description =
          "With --role all: how many milliseconds later than usual the server may answer"
              + " requests before the training threads yield to it (default 20); they yield at"
              + " most half the time. 0: training never yields.")
  long servingLagMillis = TrainerSettings.defaults().servingLag().toMillis();

  /**
   * The sample limits of {@code --max-record-bytes} and {@code --max-features}.
   *
   * @throws IllegalArgumentException if a limit is out of range, or {@code --max-features} is below
   *     a model's inputs or outputs (its records could never pass)
   */
  SampleLimits limits(Map<String, ModelSpec> models) {
    SampleLimits limits = SampleLimits.configured(maxRecordBytes, maxFeatures);
    models.forEach(
        (name, spec) -> {
          int width = Math.max(spec.inputs(), spec.outputs());
          if (width > limits.maxFeatures()) {
            throw new IllegalArgumentException(
                "model '"
                    + name
                    + "' has "
                    + width
                    + " inputs or outputs, more than --max-features "
                    + limits.maxFeatures());
          }
        });
    return limits;
  }

  /** The Kafka clients of {@code bootstrapServers} with the {@code --kafka-config} settings. */
  KafkaClients kafka(String bootstrapServers) {
    return kafkaConfig.clients(bootstrapServers);
  }

  TrainerSettings settings() {
    return new TrainerSettings(
        validationFraction,
        normalizerForgetting,
        windowBatches,
        checkpointBatches,
        Duration.ofSeconds(checkpointSeconds),
        snapshotBatches,
        Duration.ofSeconds(snapshotSeconds),
        trainingQueue,
        trainingThreads,
        Duration.ofMillis(servingLagMillis));
  }

  /** The default model's spec (from the model options) and the extra models by name. */
  Map<String, ModelSpec> models(ModelSpec defaultModel) {
    Map<String, ModelSpec> models = new LinkedHashMap<>();
    models.put(io.kafkamlp.sample.Sample.DEFAULT_MODEL, defaultModel);
    for (String entry : extraModels) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--model takes NAME=FILE, got '" + entry + "'");
      }
      Path file = Path.of(entry.substring(eq + 1));
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read model file " + file + ": " + e, e);
      }
      String name = entry.substring(0, eq);
      if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException(
            "model name '" + name + "' must be 1 to 100 of A-Z a-z 0-9 . _ -");
      }
      models.put(name, ModelSpec.fromProperties(properties));
    }
    return models;
  }
}
