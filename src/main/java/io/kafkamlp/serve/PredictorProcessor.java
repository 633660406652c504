package io.kafkamlp.serve;

import io.kafkamlp.sample.PredictionCodec;
import io.kafkamlp.sample.RejectedSampleException;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.sample.SamplePeek;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Answers every valid unlabeled record of the samples topic with a prediction (key: the sample id)
 * from the latest snapshot of its model in the global snapshot store, or with a {@code
 * no-model-yet} status while the model has none. Labeled records are the trainer's and are skipped;
 * records the trainer refuses are skipped here (the trainer sends them to the dead-letter topic and
 * counts them in {@code mlp_samples_rejected_total}).
 */
public final class PredictorProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  /** Name of the global store of the latest snapshot per model. */
  public static final String SNAPSHOT_STORE = "model-snapshots-store";

  private final Map<String, SnapshotPredictor> predictors = new HashMap<>();
  private final ServingObserver observer;
  private final SampleLimits limits;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> snapshots;

  public PredictorProcessor() {
    this(ServingObserver.NONE);
  }

  public PredictorProcessor(ServingObserver observer) {
    this(observer, SampleLimits.DEFAULTS);
  }

  /**
   * @param limits the largest record and feature count answered; bigger records are skipped
   *     unparsed (the trainer refuses them by the same limits)
   */
  public PredictorProcessor(ServingObserver observer, SampleLimits limits) {
    this.observer = observer;
    this.limits = limits;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.snapshots = context.getStateStore(SNAPSHOT_STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value != null && value.length <= limits.maxRecordBytes() && SamplePeek.isLabeled(value)) {
      return; // the training stream, most of the topic: skipped without converting its numbers
    }
    Sample sample;
    try {
      sample = SampleCodec.parse(record.value() == null ? new byte[0] : record.value(), limits);
    } catch (RejectedSampleException e) {
      return;
    }
    if (sample.labeled()) {
      return;
    }
    SnapshotPredictor predictor = predictor(sample.model());
    byte[] answer;
    if (predictor == null) {
      answer = PredictionCodec.noModelYet(record.key(), sample.model());
    } else if (sample.features().length != predictor.inputs()) {
      return;
    } else {
      float[] output = predictor.predict(sample.features());
      answer =
          PredictionCodec.prediction(
              record.key(),
              sample.model(),
              predictor.snapshot().version(),
              predictor.loss(),
              output);
    }
    context.forward(record.withValue(answer));
    observer.onPrediction(
        sample.model(), predictor != null, context.currentSystemTimeMs() - record.timestamp());
  }

  /** The predictor of the model's latest snapshot, decoded again only when a newer one came. */
  private SnapshotPredictor predictor(String model) {
    byte[] bytes = snapshots.get(model);
    if (bytes == null) {
      return null;
    }
    SnapshotPredictor current = predictors.get(model);
    if (current != null && current.snapshot().version() == ModelSnapshot.versionOf(bytes)) {
      return current;
    }
    SnapshotPredictor fresh = new SnapshotPredictor(ModelSnapshot.fromBytes(bytes));
    predictors.put(model, fresh);
    return fresh;
  }
}
