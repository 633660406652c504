package io.kafkamlp.topology;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.RoutedRecords;
import io.kafkamlp.train.SampleRouter;
import io.kafkamlp.train.ServingPriority;
import io.kafkamlp.train.TrainerObserver;
import io.kafkamlp.train.TrainerProcessor;
import io.kafkamlp.train.TrainerRegistry;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.TrainingRoute;
import io.kafkamlp.train.ValidationSplit;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The trainer application: samples in; refused records to the dead-letter topic; each model's valid
 * labeled records to its trainer, straight or repartitioned by model name ({@link TrainingRoute});
 * snapshots out.
 *
 * <pre>
 * samples -> route -+-> dead-letters -> samples-dlq (original bytes, error.* headers)
 *                   +-> trainer [checkpoints, replay] -> model-snapshots              (DIRECT)
 *                   +-> by-model repartition -> trainer [checkpoints, replay] -> ...  (BY_MODEL)
 * </pre>
 *
 * Run it with {@code processing.guarantee=exactly_once_v2}: the trainer's stores rely on it.
 */
public final class TrainerTopology {

  /** The router's node. */
  static final String ROUTE_NODE = "route";

  /** The sink of the dead-letter topic, a child of the router. */
  static final String DEAD_LETTER_NODE = "dead-letters";

  /** The trainer's node. */
  static final String TRAINER_NODE = "trainer";

  private static final String BY_MODEL = "by-model";

  /**
   * The first node of {@code repartition()} named {@link #BY_MODEL}, a child of the router, as
   * Kafka Streams names it (TrainerTopologyTest checks the router's children).
   */
  static final String REPARTITION_NODE = BY_MODEL + "-repartition-filter";

  private TrainerTopology() {}

  /**
   * Adds the trainer to {@code builder}, its records repartitioned by model name ({@link
   * TrainingRoute#BY_MODEL}, right for any partition count).
   *
   * @param models every model the trainer accepts, by the name records carry in {@code model}
   * @param registry receives the trainers this instance owns (see {@link TrainerRegistry})
   */
  public static void build(
      StreamsBuilder builder,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      TrainerRegistry registry) {
    build(builder, models, settings, registry, TrainerObserver.NONE);
  }

  /** As above, with an observer of batches and refused records (metrics). */
  public static void build(
      StreamsBuilder builder,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer) {
    build(
        builder,
        models,
        settings,
        registry,
        observer,
        SampleLimits.DEFAULTS,
        TrainingRoute.BY_MODEL);
  }

  /**
   * As above, with the record size and feature count limits (records over them go to the
   * dead-letter topic unparsed, see {@link SampleRouter}) and the route records take to their
   * trainer: {@link TrainingRoute#DIRECT} only when {@code samples} has one partition.
   */
  public static void build(
      StreamsBuilder builder,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer,
      SampleLimits limits,
      TrainingRoute route) {
    build(builder, models, settings, registry, observer, limits, route, ServingPriority.NONE);
  }

  /**
   * As above, with the training threads yielding to the server in this process while it answers
   * late ({@link ServingPriority}).
   */
  public static void build(
      StreamsBuilder builder,
      Map<String, ModelSpec> models,
      TrainerSettings settings,
      TrainerRegistry registry,
      TrainerObserver observer,
      SampleLimits limits,
      TrainingRoute route,
      ServingPriority priority) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TrainerProcessor.CHECKPOINT_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TrainerProcessor.REPLAY_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled());

    ValidationSplit split = new ValidationSplit(settings.validationFraction());
    RoutedRecords handoff = new RoutedRecords();
    String trainingNode = route == TrainingRoute.DIRECT ? TRAINER_NODE : REPARTITION_NODE;
    KStream<byte[], byte[]> routed =
        builder.stream(
                Topics.SAMPLES,
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("samples"))
            .process(
                () ->
                    new SampleRouter(
                        models, split, observer, limits, trainingNode, DEAD_LETTER_NODE, handoff),
                Named.as(ROUTE_NODE));

    routed.to(
        Topics.DLQ,
        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DEAD_LETTER_NODE));

    KStream<byte[], byte[]> training =
        route == TrainingRoute.DIRECT
            ? routed
            : routed.repartition(
                Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(BY_MODEL));
    training
        .process(
            () ->
                new TrainerProcessor(
                    models, settings, registry, observer, route, handoff, priority),
            Named.as(TRAINER_NODE),
            TrainerProcessor.CHECKPOINT_STORE,
            TrainerProcessor.REPLAY_STORE)
        .to(
            Topics.SNAPSHOTS,
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("snapshots"));
  }
}
