package io.kafkamlp.cli;

import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.metrics.MetricsServer;
import io.kafkamlp.metrics.ServingMetrics;
import io.kafkamlp.metrics.TrainingMetrics;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.topology.ServerTopology;
import io.kafkamlp.topology.TrainerTopology;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The two Kafka Streams applications of kafka-mlp, started together against one cluster: the
 * trainer ({@code exactly_once_v2}) and the server ({@code at_least_once}). Closing it stops the
 * trainer cleanly, publishes a final snapshot of every model it owned, then stops the server.
 */
final class Pipeline implements AutoCloseable {

  /** Largest record the pipeline writes: a snapshot of a big model. */
  static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final Map<String, String> streamsConfig;
  private final TrainerRegistry registry = new TrainerRegistry();
  private final KafkaStreams trainer;
  private final KafkaStreams server;
  private final PrometheusMeterRegistry metrics;
  private final TrainingMetrics trainingMetrics;
  private final KafkaStreamsMetrics trainerStreamsMetrics;
  private final KafkaStreamsMetrics serverStreamsMetrics;
  private final MetricsServer metricsServer;
  private final java.util.concurrent.atomic.AtomicBoolean stopped =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Creates the declared topics that are missing, then starts both applications and waits until
   * they run.
   *
   * @param applicationId prefix of the two application ids ({@code -trainer}, {@code -server})
   * @param stateDir parent of the two applications' state directories
   */
  Pipeline(
      String bootstrapServers,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      String applicationId,
      Path stateDir) {
    this(bootstrapServers, models, settings, applicationId, stateDir, Map.of(), -1);
  }

  /** As above, with Kafka Streams configs that override kafka-mlp's own in both applications. */
  Pipeline(
      String bootstrapServers,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      String applicationId,
      Path stateDir,
      Map<String, String> streamsConfig,
      int metricsPort) {
    this.bootstrapServers = bootstrapServers;
    this.streamsConfig = Map.copyOf(streamsConfig);
    createTopics(bootstrapServers);

    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    trainingMetrics = new TrainingMetrics(metrics, metrics.getPrometheusRegistry());

    StreamsBuilder trainerBuilder = new StreamsBuilder();
    TrainerTopology.build(trainerBuilder, models, settings, registry, trainingMetrics);
    Properties trainerProps = common(applicationId + "-trainer", stateDir.resolve("trainer"));
    trainerProps.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    trainerProps.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    trainer = new KafkaStreams(trainerBuilder.build(), trainerProps);

    StreamsBuilder serverBuilder = new StreamsBuilder();
    ServerTopology.build(serverBuilder, new ServingMetrics(metrics));
    Properties serverProps = common(applicationId + "-server", stateDir.resolve("server"));
    serverProps.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    serverProps.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    server = new KafkaStreams(serverBuilder.build(), serverProps);

    trainerStreamsMetrics = new KafkaStreamsMetrics(trainer);
    trainerStreamsMetrics.bindTo(metrics);
    serverStreamsMetrics = new KafkaStreamsMetrics(server);
    serverStreamsMetrics.bindTo(metrics);
    trainer.start();
    server.start();
    awaitRunning(trainer, "trainer");
    awaitRunning(server, "server");
    metricsServer =
        metricsPort < 0 ? null : MetricsServer.start(metricsPort, metrics, trainingMetrics);
  }

  /** The port of the metrics endpoint, or -1 when it is off. */
  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** Tuned as the notes on the embedded broker measured: big producer batches, big polls. */
  private Properties common(String applicationId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put("processing.exception.handler.global.enabled", true);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        MAX_RECORD_BYTES);
    props.putAll(streamsConfig);
    return props;
  }

  private static void createTopics(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Topics.createMissingCappedToBrokers(admin, TopicDeclaration.load(), STARTUP_TIMEOUT);
    }
  }

  private static void awaitRunning(KafkaStreams streams, String name) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR
          || streams.state() == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("the " + name + " stopped while starting");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the " + name + " did not start in " + STARTUP_TIMEOUT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the " + name, e);
      }
    }
  }

  /**
   * A consumer of the pipeline's topics as its users should read them: committed records only (the
   * trainer writes in transactions) and fetches big enough for a snapshot.
   */
  static KafkaConsumer<byte[], byte[]> committedReader(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  KafkaStreams trainer() {
    return trainer;
  }

  KafkaStreams server() {
    return server;
  }

  /**
   * Stops the trainer (its state committed), publishes a final snapshot of each model it owned,
   * then stops the server.
   *
   * @return the models whose final snapshots were published; empty when already stopped
   */
  Map<String, ModelTrainer> stop() {
    if (!stopped.compareAndSet(false, true)) {
      return Map.of();
    }
    registry.beginShutdown();
    trainer.close(Duration.ofSeconds(60));
    Map<String, ModelTrainer> finals = registry.trainers();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      long now = System.currentTimeMillis();
      for (ModelTrainer model : finals.values()) {
        producer.send(
            new ProducerRecord<>(
                Topics.SNAPSHOTS,
                model.name().getBytes(StandardCharsets.UTF_8),
                model.snapshot(now).toBytes()));
      }
      producer.flush();
    }
    server.close(Duration.ofSeconds(30));
    if (metricsServer != null) {
      metricsServer.close();
    }
    trainerStreamsMetrics.close();
    serverStreamsMetrics.close();
    metrics.close();
    return finals;
  }

  @Override
  public void close() {
    stop();
  }
}
