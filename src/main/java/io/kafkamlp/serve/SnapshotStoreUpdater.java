package io.kafkamlp.serve;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global snapshot store at the last snapshot published for each model (the topic has one
 * partition and each model one writer, so the last is the newest; a model trained again from
 * scratch starts over at low versions, and that is served too). A malformed snapshot is ignored, so
 * serving goes on with the last good one.
 */
public final class SnapshotStoreUpdater implements Processor<byte[], byte[], Void, Void> {

  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(PredictorProcessor.SNAPSHOT_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    String model = new String(record.key(), StandardCharsets.UTF_8);
    try {
      ModelSnapshot.fromBytes(record.value());
    } catch (IllegalArgumentException e) {
      return;
    }
    store.put(model, record.value());
  }
}
