package io.kafkamlp.cli;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.metrics.MetricsServer;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.ModelTrainer;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kafka-mlp run}: the pipeline, on an embedded broker or an existing cluster. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline: trains the models from the labeled records of the samples topic"
            + " (exactly-once) and answers its unlabeled records on the predictions topic. Without"
            + " --bootstrap-servers it first starts an embedded Kafka broker. Stops cleanly on"
            + " SIGTERM or Ctrl-C, publishing a final snapshot of each model. Exits with status 1"
            + " when an application stops after an error it cannot recover from.")
final class RunCommand implements Callable<Integer>, ModelOptions.Taker {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin TrainerOptions options;

  @Option(
      names = "--role",
      paramLabel = "all|trainer|server",
      converter = Role.Converter.class,
      description =
          "Which application this process runs: all (default), trainer or server. Processes of"
              + " one role and --application-id share its work and take it over from each other.")
  Role role = Role.ALL;

  @Override
  @SuppressWarnings("try") // the shutdown hook closes the resource; close() is idempotent
  public Integer call() throws Exception {
    KafkaMlp.noteSimd();
    PrintWriter out = commandSpec.commandLine().getOut();
    Map<String, ModelSpec> models = options.models(ModelOptions.spec(commandSpec));
    try (Running running = Running.start(options, role, models, out)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                running.close();
                stopped.countDown();
              },
              "kafka-mlp-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.printf(
          "running; samples in '%s', predictions out in '%s', refused records in '%s',"
              + " snapshots in '%s'. Ctrl-C stops.%n",
          Topics.SAMPLES, Topics.PREDICTIONS, Topics.DLQ, Topics.SNAPSHOTS);
      out.flush();
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        String failed = running.pipeline.failedApplication();
        if (failed != null) {
          PrintWriter err = commandSpec.commandLine().getErr();
          err.printf(
              "run: the %s stopped after an error it cannot recover from (see the log)%n", failed);
          err.flush();
          return 1;
        }
      }
    }
    return 0;
  }

  /** A broker (when embedded) and the pipeline on it, stopped in the right order. */
  static final class Running implements AutoCloseable {
    private final EmbeddedKafka broker;
    final Pipeline pipeline;
    final String bootstrapServers;
    final KafkaClients kafka;
    private final PrintWriter out;
    private final java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();

    private Running(EmbeddedKafka broker, Pipeline pipeline, KafkaClients kafka, PrintWriter out) {
      this.broker = broker;
      this.pipeline = pipeline;
      this.bootstrapServers = kafka.bootstrapServers();
      this.kafka = kafka;
      this.out = out;
    }

    static Running start(TrainerOptions options, Map<String, ModelSpec> models, PrintWriter out) {
      return start(options, Role.ALL, models, out);
    }

    /** Starts the embedded broker (without --bootstrap-servers) and the applications of role. */
    static Running start(
        TrainerOptions options, Role role, Map<String, ModelSpec> models, PrintWriter out) {
      SampleLimits limits = options.limits(models);
      EmbeddedKafka broker = null;
      String bootstrap = options.bootstrapServers;
      if (bootstrap == null) {
        broker = EmbeddedKafka.start(options.brokerPort, options.dataDir.resolve("broker"));
        bootstrap = broker.bootstrapServers();
        out.printf(
            "embedded Kafka broker on %s (data in %s), started in %d ms%n",
            bootstrap, options.dataDir.resolve("broker"), broker.startupMillis());
      } else {
        out.printf("joining Kafka cluster %s%n", bootstrap);
      }
      models.forEach(
          (name, spec) ->
              out.printf(
                  "model '%s': layers %s, %s, %s loss, %s lr %s (%s), batch %d%n",
                  name,
                  spec.layers(),
                  spec.activation(),
                  spec.loss(),
                  spec.optimizer(),
                  spec.learningRate(),
                  spec.lrSchedule(),
                  spec.batchSize()));
      out.flush();
      try {
        KafkaClients kafka = options.kafka(bootstrap);
        Pipeline pipeline =
            new Pipeline(
                kafka,
                models,
                options.settings(),
                options.applicationId,
                options.dataDir.resolve("state"),
                options.streamsConfig,
                limits,
                options.metricsAddress,
                options.metricsPort,
                role);
        if (pipeline.metricsPort() >= 0) {
          String host =
              options.metricsAddress.equals(MetricsServer.ALL_INTERFACES)
                  ? "127.0.0.1"
                  : options.metricsAddress;
          out.printf(
              "metrics on http://%s:%d/metrics, first-layer weights on"
                  + " http://%s:%d/weights/<model>/layer0.png%n",
              host, pipeline.metricsPort(), host, pipeline.metricsPort());
        }
        return new Running(broker, pipeline, kafka, out);
      } catch (RuntimeException e) {
        if (broker != null) {
          broker.close();
        }
        throw e;
      }
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Map<String, ModelTrainer> finals = pipeline.stop();
      finals.forEach(
          (name, trainer) ->
              out.printf(
                  "final snapshot of '%s': version %d, %d samples trained%n",
                  name, trainer.model().step(), trainer.samplesTrained()));
      if (broker != null) {
        broker.close();
      }
      out.flush();
    }
  }
}
