package io.kafkamlp.train;

import io.kafkamlp.sample.RejectedSampleException;
import io.kafkamlp.sample.Rejection;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.sample.SampleValidator;
import io.kafkamlp.spec.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First step of the trainer: parses and validates each record of the samples topic against its
 * model's spec and sends it where it goes next.
 *
 * <p>It forwards to one of two named downstream nodes: a {@link TrainingRecord}, keyed by the model
 * name (UTF-8), to the training node (the trainer itself, or the repartition that brings each
 * model's records to one task: see {@link TrainingRoute}); or the original bytes under the original
 * key, with headers {@code error.stage} and {@code error.reason} added, to the dead-letter node.
 * Each record is encoded once, with no tag to strip again. Valid unlabeled records (prediction
 * requests, answered by the server) are dropped here.
 *
 * <p>Records over the {@link SampleLimits} are refused before they are parsed. A record longer than
 * {@link SampleLimits#maxRecordBytes()} goes to the dead-letter topic cut to that length, with its
 * full length in header {@code error.original.length}, so that the dead-letter topic never holds a
 * record bigger than the pipeline accepts.
 */
public final class SampleRouter implements Processor<byte[], byte[], byte[], byte[]> {

  /** Header naming why a record was refused. */
  public static final String REASON_HEADER = "error.reason";

  /** Header naming the stage that refused a record: parse or validate. */
  public static final String STAGE_HEADER = "error.stage";

  /** Header with the length in bytes (decimal) of a record cut short for the dead-letter topic. */
  public static final String ORIGINAL_LENGTH_HEADER = "error.original.length";

  private final Map<String, ModelSpec> models;
  private final ValidationSplit split;
  private final TrainerObserver observer;
  private final SampleLimits limits;
  private final String trainingNode;
  private final String deadLetterNode;
  private final RoutedRecords routed;
  private ProcessorContext<byte[], byte[]> context;

  /**
   * @param models the spec of every model the trainer knows, by name; records naming another model
   *     are refused
   * @param observer hears of every refused record
   * @param limits the largest record and feature count accepted; bigger records are refused
   *     unparsed
   * @param trainingNode the name of the downstream node that receives training records
   * @param deadLetterNode the name of the downstream node that receives refused records
   * @param routed where each training record is offered to a trainer that gets it straight, so that
   *     the trainer does not parse it again
   */
  public SampleRouter(
      Map<String, ModelSpec> models,
      ValidationSplit split,
      TrainerObserver observer,
      SampleLimits limits,
      String trainingNode,
      String deadLetterNode,
      RoutedRecords routed) {
    this.models = Map.copyOf(models);
    this.split = split;
    this.observer = observer;
    this.limits = limits;
    this.trainingNode = trainingNode;
    this.deadLetterNode = deadLetterNode;
    this.routed = routed;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] value = record.value();
    Sample sample;
    try {
      sample = SampleCodec.parse(value == null ? new byte[0] : value, limits);
    } catch (RejectedSampleException e) {
      reject(record, e.rejection());
      return;
    }
    ModelSpec spec = models.get(sample.model());
    if (spec == null) {
      reject(
          record,
          Rejection.validate(
              "unknown model '"
                  + sample.model()
                  + "', known: "
                  + new java.util.TreeSet<>(models.keySet())));
      return;
    }
    Rejection rejection = SampleValidator.validate(sample, spec);
    if (rejection != null) {
      reject(record, rejection);
      return;
    }
    if (!sample.labeled()) {
      return;
    }
    TrainingRecord training = new TrainingRecord(sample, split.isValidation(record.key()));
    byte[] body = training.toBytes();
    routed.offer(body, training);
    try {
      context.forward(
          record.withKey(sample.model().getBytes(StandardCharsets.UTF_8)).withValue(body),
          trainingNode);
    } finally {
      routed.clear();
    }
  }

  private void reject(Record<byte[], byte[]> record, Rejection rejection) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(STAGE_HEADER, rejection.stage().getBytes(StandardCharsets.UTF_8));
    headers.add(REASON_HEADER, rejection.reason().getBytes(StandardCharsets.UTF_8));
    byte[] original = record.value() == null ? new byte[0] : record.value();
    if (original.length > limits.maxRecordBytes()) {
      headers.add(
          ORIGINAL_LENGTH_HEADER,
          Integer.toString(original.length).getBytes(StandardCharsets.UTF_8));
      original = java.util.Arrays.copyOf(original, limits.maxRecordBytes());
    }
    context.forward(record.withValue(original).withHeaders(headers), deadLetterNode);
    observer.onRejected(rejection);
  }
}
