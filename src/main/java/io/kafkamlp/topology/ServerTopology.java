package io.kafkamlp.topology;

import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.serve.PredictorProcessor;
import io.kafkamlp.serve.ServingObserver;
import io.kafkamlp.serve.SnapshotStoreUpdater;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The server application: every instance holds the latest snapshot of every model in a global
 * store, and answers the unlabeled records of its partitions of the samples topic.
 *
 * <pre>
 * model-snapshots -> global store (latest per model)
 * samples -> predictor -> predictions
 * </pre>
 *
 * Run it with {@code at_least_once}: predictions need no transaction wait, and a duplicate answer
 * after a crash is harmless.
 */
public final class ServerTopology {

  private ServerTopology() {}

  public static void build(StreamsBuilder builder) {
    build(builder, ServingObserver.NONE);
  }

  /** As above, with an observer of predictions (metrics). */
  public static void build(StreamsBuilder builder, ServingObserver observer) {
    build(builder, observer, SampleLimits.DEFAULTS);
  }

  /**
   * As above, with the record size and feature count limits: requests over them are not answered
   * (the trainer sends them to the dead-letter topic).
   */
  public static void build(StreamsBuilder builder, ServingObserver observer, SampleLimits limits) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PredictorProcessor.SNAPSHOT_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        Topics.SNAPSHOTS,
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("snapshots"),
        SnapshotStoreUpdater::new);
    builder.stream(
            Topics.SAMPLES,
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("requests"))
        .process(() -> new PredictorProcessor(observer, limits), Named.as("predictor"))
        .to(
            Topics.PREDICTIONS,
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("predictions"));
  }
}
