package io.kafkamlp.cli;

import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.metrics.MetricsServer;
import io.kafkamlp.metrics.ServingMetrics;
import io.kafkamlp.metrics.TrainingMetrics;
import io.kafkamlp.nn.Warmup;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.serve.ServingObserver;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.topology.ServerTopology;
import io.kafkamlp.topology.TrainerTopology;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.ServingPriority;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.TrainingRoute;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two Kafka Streams applications of kafka-mlp, started together against one cluster: the
 * trainer ({@code exactly_once_v2}) and the server ({@code at_least_once}), or only one of them
 * (see {@link Role}). Closing it stops the trainer cleanly, publishes a final snapshot of every
 * model it owned, then stops the server.
 */
final class Pipeline implements AutoCloseable {

  /** Largest record the pipeline writes: a snapshot of a big model. */
  static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  /** Room for a record's key, headers and batch framing above its value. */
  private static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

  /**
   * The trainer's record cache ({@code statestore.cache.max.bytes}, default 10 MiB): room for a few
   * checkpoints of the default model (5.6 MB with Adam) and the replay log between two of them.
   */
  static final long TRAINER_CACHE_BYTES = 64L * 1024 * 1024;

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** Kafka Streams' own {@code transaction.timeout.ms} under exactly-once. */
  private static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  /** What a trainer's transaction timeout allows a commit to take beyond its interval. */
  private static final Duration COMMIT_ALLOWANCE = Duration.ofSeconds(5);

  /**
   * Training steps and single-row predictions of a throwaway model per spec before the applications
   * start (see {@link Warmup}).
   */
  private static final int WARMUP_STEPS = 200;

  private static final int WARMUP_PREDICTIONS = 2_000;

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final KafkaClients kafka;
  private final SampleLimits limits;
  private final Map<String, String> streamsConfig;
  private final TrainerRegistry registry = new TrainerRegistry();
  private final KafkaStreams trainer; // null when the role does not train
  private final KafkaStreams server; // null when the role does not serve
  private final PrometheusMeterRegistry metrics;
  private final TrainingMetrics trainingMetrics;
  private final KafkaStreamsMetrics trainerStreamsMetrics; // null when trainer is
  private final KafkaStreamsMetrics serverStreamsMetrics; // null when server is
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
    this(
        bootstrapServers,
        models,
        settings,
        applicationId,
        stateDir,
        streamsConfig,
        metricsPort,
        Role.ALL);
  }

  /**
   * As above, running only the applications of {@code role}; the metrics endpoint (when on) then
   * shows only their meters.
   */
  Pipeline(
      String bootstrapServers,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      String applicationId,
      Path stateDir,
      Map<String, String> streamsConfig,
      int metricsPort,
      Role role) {
    this(
        KafkaClients.plain(bootstrapServers),
        models,
        settings,
        applicationId,
        stateDir,
        streamsConfig,
        SampleLimits.DEFAULTS,
        MetricsServer.ALL_INTERFACES,
        metricsPort,
        role);
  }

  /**
   * As above, with every Kafka client built from {@code kafka} (its settings under kafka-mlp's own
   * and {@code streamsConfig}), records over {@code limits} refused unparsed, and the metrics
   * endpoint (when {@code metricsPort >= 0}) bound to {@code metricsAddress}.
   *
   * @throws IllegalArgumentException if {@code metricsAddress} does not resolve
   */
  Pipeline(
      KafkaClients kafka,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      String applicationId,
      Path stateDir,
      Map<String, String> streamsConfig,
      SampleLimits limits,
      String metricsAddress,
      int metricsPort,
      Role role) {
    this.kafka = kafka;
    this.limits = limits;
    this.streamsConfig = Map.copyOf(streamsConfig);
    createTopics(kafka, limits);
    for (ModelSpec spec : new LinkedHashSet<>(models.values())) {
      long millis = Warmup.run(spec, WARMUP_STEPS, WARMUP_PREDICTIONS);
      log.info("compiled the training and prediction path of {} in {} ms", spec.layers(), millis);
    }

    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    trainingMetrics = new TrainingMetrics(metrics, metrics.getPrometheusRegistry());

    ServingPriority priority = servingPriority(settings, role);
    trainer =
        role.trains() ? newTrainer(models, settings, applicationId, stateDir, priority) : null;
    server = role.serves() ? newServer(applicationId, stateDir, priority) : null;
    trainerStreamsMetrics = bindStreamsMetrics(trainer);
    serverStreamsMetrics = bindStreamsMetrics(server);
    start(trainer);
    start(server);
    awaitRunning(trainer, "trainer");
    awaitRunning(server, "server");
    metricsServer =
        metricsPort < 0
            ? null
            : MetricsServer.start(metricsAddress, metricsPort, metrics, trainingMetrics);
  }

  /** The port of the metrics endpoint, or -1 when it is off. */
  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /**
   * Serving's priority over training when this process does both and {@code settings} give a lag;
   * {@link ServingPriority#NONE} otherwise (a server in another process shares no cores with this
   * one's training).
   */
  private static ServingPriority servingPriority(TrainerSettings settings, Role role) {
    if (!role.trains() || !role.serves() || settings.servingLag().isZero()) {
      return ServingPriority.NONE;
    }
    log.info(
        "training yields to serving while it answers over {} ms later than usual",
        settings.servingLag().toMillis());
    return new ServingPriority(settings.servingLag());
  }

  private KafkaStreams newTrainer(
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      String applicationId,
      Path stateDir,
      ServingPriority priority) {
    int partitions = samplesPartitions(kafka);
    TrainingRoute route = TrainingRoute.forSamplesPartitions(partitions);
    log.info(
        "training records go {} ({} has {} partition{})",
        route == TrainingRoute.DIRECT
            ? "straight to their model's trainer"
            : "to their model's trainer through a repartition topic by model name",
        Topics.SAMPLES,
        partitions,
        partitions == 1 ? "" : "s");
    StreamsBuilder builder = new StreamsBuilder();
    TrainerTopology.build(
        builder, models, settings, registry, trainingMetrics, limits, route, priority);
    Properties props =
        trainerConfig(
            kafka,
            limits,
            streamsConfig,
            applicationId + "-trainer",
            stateDir.resolve("trainer"),
            route);
    return new KafkaStreams(builder.build(), props);
  }

  private KafkaStreams newServer(String applicationId, Path stateDir, ServingPriority priority) {
    StreamsBuilder builder = new StreamsBuilder();
    ServingMetrics meters = new ServingMetrics(metrics);
    ServingObserver observer =
        !priority.enabled()
            ? meters
            : new ServingObserver() {
              @Override
              public void onPrediction(String model, boolean answered, long latencyMillis) {
                meters.onPrediction(model, answered, latencyMillis);
                priority.answered(latencyMillis);
              }
            };
    ServerTopology.build(builder, observer, limits);
    Properties props = common(applicationId + "-server", stateDir.resolve("server"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.putAll(streamsConfig); // the user's settings win over the server's own too
    return new KafkaStreams(builder.build(), props);
  }

  /** Kafka Streams' own meters of {@code streams} (null: none), bound to the registry. */
  private KafkaStreamsMetrics bindStreamsMetrics(KafkaStreams streams) {
    if (streams == null) {
      return null;
    }
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
    binder.bindTo(metrics);
    return binder;
  }

  /** Starts {@code streams} (null: none), with {@link ThreadReplacement} for dead threads. */
  private static void start(KafkaStreams streams) {
    if (streams != null) {
      streams.setUncaughtExceptionHandler(new ThreadReplacement());
      streams.start();
    }
  }

  private Properties common(String applicationId, Path stateDir) {
    return common(kafka, limits, streamsConfig, applicationId, stateDir);
  }

  /**
   * The trainer application's Kafka Streams config: {@link #common} with {@code exactly_once_v2}, a
   * commit every {@link #commitInterval} of {@code route} and 2 MiB producer batches. The one
   * source of these settings: {@code bench} measures Kafka's own limit (a passthrough) with them
   * too.
   */
  static Properties trainerConfig(
      KafkaClients kafka,
      SampleLimits limits,
      Map<String, String> streamsConfig,
      String applicationId,
      Path stateDir,
      TrainingRoute route) {
    Properties props = common(kafka, limits, streamsConfig, applicationId, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval(route).toMillis());
    // Replay-log records deleted by a checkpoint before the commit never reach the changelog if
    // the cache holds them: the default 10 MiB is less than two checkpoints of the default model.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, TRAINER_CACHE_BYTES);
    // The trainer reads its own repartition topic read_committed. A fetch that has caught up with
    // the last stable offset waits at the broker for fetch.max.wait.ms (default 500) even after the
    // next commit makes records readable: measured, 10 ms instead gives ~1.7x the samples/s.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
    // Each transaction's first write to a partition can meet CONCURRENT_TRANSACTIONS while the last
    // one's markers are written (transactions v2); with five requests in flight the ones behind it
    // fail OUT_OF_ORDER_SEQUENCE and retry too. One in flight and a short backoff: measured, fewer
    // retries and no loss of throughput.
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 20);
    // A commit flushes the last checkpoint (5.6 MB for the default model) and the live replay-log
    // records at once, one request in flight at a time: 2 MiB batches instead of 512 KiB take a
    // quarter as many round trips. Measured, alternating ten-pass runs: the training thread waited
    // for records 3.0, 3.3 and 3.0% of the warm half against 4.4, 4.0 and 4.3%.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 2 * 1024 * 1024);
    props.putAll(streamsConfig);
    // A transaction lasts a commit interval and the commit itself (226 ms on average, 691 ms at
    // most, in a warm ten-pass run), and Kafka Streams refuses a transaction timeout under the
    // interval; its default (10 s) would abort transactions of 10 s. Unless given: the interval in
    // force and COMMIT_ALLOWANCE, at least that default. A transaction that an instance left open
    // when it died is aborted within that, and its task's changelogs then readable to the next
    // owner.
    String timeout = ProducerConfig.TRANSACTION_TIMEOUT_CONFIG;
    if (!props.containsKey(timeout) && !props.containsKey(StreamsConfig.producerPrefix(timeout))) {
      long commit = Long.parseLong(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString());
      props.put(
          StreamsConfig.producerPrefix(timeout),
          (int)
              Math.max(
                  DEFAULT_TRANSACTION_TIMEOUT.toMillis(), commit + COMMIT_ALLOWANCE.toMillis()));
    }
    return props;
  }

  /**
   * How often the trainer commits on {@code route}. Each commit flushes what the stores' caches
   * hold (the last checkpoint, 5.6 MB for the default model, and the replay log's live records:
   * bounded by its ring of keys, not by the interval) and waits for the transaction's round trips,
   * while the training thread lives off its queue (about 35 ms of training) and then waits: 226 ms
   * on average in a warm ten-pass run at 3 s. On {@link TrainingRoute#DIRECT} every 10 s: in four
   * alternating pairs of ten-pass runs against every 3 s, the training thread waited for records
   * 2.5-4.9% of the warm half against 3.8-8.2% and stepped 77.0-78.7% of it against 73.0-77.0%. The
   * price: snapshots and dead letters reach read_committed readers (not the server's global store,
   * which reads the topic as written) up to 10 s after they are made, and a crash replays up to 10
   * s of input. On {@link TrainingRoute#BY_MODEL} every 3 s: there a commit is also when the routed
   * records become readable to the trainer, so the interval is the model's lag behind its stream. A
   * model counts as idle after twice the interval ({@code TrainerProcessor}).
   */
  static Duration commitInterval(TrainingRoute route) {
    return route == TrainingRoute.DIRECT ? Duration.ofSeconds(10) : Duration.ofSeconds(3);
  }

  /**
   * Settings of both applications, tuned as the notes on the embedded broker measured: big producer
   * batches, big polls; {@code streamsConfig} over them.
   */
  private static Properties common(
      KafkaClients kafka,
      SampleLimits limits,
      Map<String, String> streamsConfig,
      String applicationId,
      Path stateDir) {
    Properties props = kafka.properties();
    int recordBytes = clientRecordBytes(limits);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put("processing.exception.handler.global.enabled", true);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), recordBytes);
    // Internal topics (repartition, changelogs) carry re-encoded samples as big as recordBytes.
    props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), recordBytes);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), recordBytes);
    props.putAll(streamsConfig);
    return props;
  }

  /**
   * Largest record a Kafka client of the Streams applications sends or fetches: a snapshot ({@link
   * #MAX_RECORD_BYTES}), or a record of the training path, whichever is bigger. The trainer
   * re-encodes each sample in the binary format for its replay log (and repartition topic, when
   * samples has more than one partition): 4 bytes per feature where JSON may take 2, so up to twice
   * the longest accepted record.
   */
  static int clientRecordBytes(SampleLimits limits) {
    long training = 2L * limits.maxRecordBytes() + RECORD_OVERHEAD_BYTES;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MAX_RECORD_BYTES, training));
  }

  /**
   * The partition count of the samples topic, which decides the trainer's {@link TrainingRoute}.
   */
  private static int samplesPartitions(KafkaClients kafka) {
    try (Admin admin = kafka.admin()) {
      return Topics.partitionCount(admin, Topics.SAMPLES, STARTUP_TIMEOUT);
    }
  }

  /**
   * Creates the declared topics that are missing; samples and samples-dlq with {@code
   * max.message.bytes} raised to hold a record of {@code limits.maxRecordBytes()} and its headers.
   */
  private static void createTopics(KafkaClients kafka, SampleLimits limits) {
    String recordBytes = Integer.toString(limits.maxRecordBytes() + RECORD_OVERHEAD_BYTES);
    List<TopicDeclaration> declarations = new ArrayList<>();
    for (TopicDeclaration declaration : TopicDeclaration.load()) {
      boolean sampleSized =
          declaration.name().equals(Topics.SAMPLES) || declaration.name().equals(Topics.DLQ);
      declarations.add(
          sampleSized
              ? declaration.withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, recordBytes)
              : declaration);
    }
    try (Admin admin = kafka.admin()) {
      Topics.createMissingCappedToBrokers(admin, declarations, STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot create the topics on "
              + kafka.bootstrapServers()
              + " (check --bootstrap-servers and the security settings of --kafka-config): "
              + e.getMessage(),
          e);
    }
  }

  /** Waits until {@code streams} runs; returns at once when it is null (not in this role). */
  private static void awaitRunning(KafkaStreams streams, String name) {
    if (streams == null) {
      return;
    }
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
    return committedReader(KafkaClients.plain(bootstrapServers));
  }

  /** As above, with the settings of {@code kafka}. */
  static KafkaConsumer<byte[], byte[]> committedReader(KafkaClients kafka) {
    return kafka.consumer(
        Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
            MAX_RECORD_BYTES));
  }

  /** The trainer application; null when this pipeline's role does not train. */
  KafkaStreams trainer() {
    return trainer;
  }

  /** The server application; null when this pipeline's role does not serve. */
  KafkaStreams server() {
    return server;
  }

  /**
   * The application of this pipeline that has stopped for good after an error (Kafka Streams state
   * {@code ERROR}: its threads' replacement budget spent, or its global thread dead), {@code
   * "trainer"} or {@code "server"}; null while both run.
   */
  String failedApplication() {
    if (trainer != null && trainer.state() == KafkaStreams.State.ERROR) {
      return "trainer";
    }
    if (server != null && server.state() == KafkaStreams.State.ERROR) {
      return "server";
    }
    return null;
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
    if (trainer != null) {
      trainer.close(Duration.ofSeconds(60));
    }
    Map<String, ModelTrainer> finals = registry.trainers();
    try (KafkaProducer<byte[], byte[]> producer =
        kafka.producer(
            Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
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
    if (server != null) {
      server.close(Duration.ofSeconds(30));
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (trainerStreamsMetrics != null) {
      trainerStreamsMetrics.close();
    }
    if (serverStreamsMetrics != null) {
      serverStreamsMetrics.close();
    }
    metrics.close();
    return finals;
  }

  @Override
  public void close() {
    stop();
  }
}
