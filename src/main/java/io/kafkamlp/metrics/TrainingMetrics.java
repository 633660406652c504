package io.kafkamlp.metrics;

import io.kafkamlp.nn.Inspection;
import io.kafkamlp.sample.Rejection;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TrainerObserver;
import io.kafkamlp.train.TrainingQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.ejml.data.FMatrixRMaj;

/**
 * The training-health meters of every model, fed by the trainer ({@link TrainerObserver}) and read
 * by Prometheus scrapes. Names as Prometheus shows them: {@code mlp_training_loss}, ... (see the
 * README); every meter is tagged {@code model}, per-layer ones also {@code layer}.
 *
 * <p>The thread that trains publishes each model's latest numbers as one immutable {@link Status}
 * through a volatile field, and gauges read that, so a scrape never sees half of a batch.
 */
public final class TrainingMetrics implements TrainerObserver {

  /**
   * A model's training steps are inspected (layer statistics, histograms, weights) at most this
   * often, its first at once: a few tens of inspections for each scrape (every 5 s in the bundled
   * Prometheus), whatever the rate. An inspection copies the weights: by step count, every 10th
   * step cost the training thread 3.4% of its time at 800 steps a second (JFR), and would cost more
   * the faster the model trains; ten a second cost it 0.5%.
   */
  public static final Duration INSPECT_EVERY = Duration.ofMillis(100);

  /**
   * The first layer's weights are copied for the weight image at an inspection at most this often:
   * a copy of the default model's is 800 KB.
   */
  static final Duration WEIGHT_IMAGE_EVERY = Duration.ofSeconds(1);

  private static final double[] ACTIVATION_BUCKETS = {
    -10, -3, -1, -0.3, -0.1, -0.03, -0.01, 0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10
  };
  private static final double[] GRADIENT_BUCKETS = {
    -1e-1, -1e-2, -1e-3, -1e-4, -1e-5, -1e-6, 0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1
  };

  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final Histogram activations;
  private final Histogram gradients;
  private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> queues = new ConcurrentHashMap<>();

  /**
   * @param prometheus the registry under {@code registry}, for the two value histograms, whose
   *     buckets span negative values (Micrometer's distribution summaries drop those)
   */
  public TrainingMetrics(MeterRegistry registry, PrometheusRegistry prometheus) {
    this(registry, prometheus, System::nanoTime);
  }

  /**
   * As above, with {@code nanoTime} as the clock of {@link #INSPECT_EVERY} and {@link
   * #WEIGHT_IMAGE_EVERY}.
   */
  TrainingMetrics(MeterRegistry registry, PrometheusRegistry prometheus, LongSupplier nanoTime) {
    this.registry = registry;
    this.nanoTime = nanoTime;
    this.activations =
        Histogram.builder()
            .name("mlp_activation")
            .help("Sampled outputs of each layer (after its activation) in inspected batches")
            .labelNames("model", "layer")
            .classicOnly()
            .withoutExemplars()
            .classicUpperBounds(ACTIVATION_BUCKETS)
            .register(prometheus);
    this.gradients =
        Histogram.builder()
            .name("mlp_gradient")
            .help("Sampled elements of each layer's weight gradient in inspected batches")
            .labelNames("model", "layer")
            .classicOnly()
            .withoutExemplars()
            .classicUpperBounds(GRADIENT_BUCKETS)
            .register(prometheus);
  }

  /**
   * True for a model's first step and then once {@link #INSPECT_EVERY} has passed since the last.
   */
  @Override
  public boolean inspectNextStep(ModelTrainer trainer) {
    ModelMeters meters = models.computeIfAbsent(trainer.name(), ModelMeters::new);
    return !meters.inspected
        || nanoTime.getAsLong() - meters.lastInspectionNanos >= INSPECT_EVERY.toNanos();
  }

  @Override
  public void onBatch(
      ModelTrainer trainer, long stepNanos, boolean skipped, Inspection inspection) {
    ModelMeters meters = models.computeIfAbsent(trainer.name(), ModelMeters::new);
    meters.stepTime.record(Duration.ofNanos(stepNanos));
    if (skipped) {
      meters.skipped.increment();
    }
    Status previous = meters.status;
    Inspection latest = inspection != null ? inspection : previous.inspection;
    FMatrixRMaj firstLayer = previous.firstLayer;
    if (inspection != null) {
      long now = nanoTime.getAsLong();
      meters.inspected = true;
      meters.lastInspectionNanos = now;
      if (firstLayer == null
          || now - meters.firstLayerCopiedNanos >= WEIGHT_IMAGE_EVERY.toNanos()) {
        firstLayer = trainer.model().network().parameters().get(0).value().copy();
        meters.firstLayerCopiedNanos = now;
      }
      for (Inspection.LayerStats layer : inspection.layers()) {
        meters.layer(layer);
        var a = activations.labelValues(trainer.name(), layer.name());
        for (float v : layer.activations()) {
          a.observe(v);
        }
        var g = gradients.labelValues(trainer.name(), layer.name());
        for (float v : layer.gradients()) {
          g.observe(v);
        }
      }
    }
    meters.status =
        new Status(
            latest,
            trainer.model().step(),
            trainer.samplesTrained(),
            trainer.model().rollbacks(),
            trainer.model().learningRate(),
            trainer.prequentialAccuracy(),
            trainer.validationAccuracy(),
            trainer.validationLoss(),
            firstLayer);
  }

  /**
   * Meters of a task's training queue, tagged {@code task}: {@code mlp_training_queue_records},
   * {@code mlp_training_starved_seconds_total} (the training thread waited for records: Kafka's
   * side was the limit), {@code mlp_training_queue_full_seconds_total} (the stream thread waited
   * for room: training was), {@code mlp_training_yielded_seconds_total} (the training thread
   * yielded to the server in its process, which was answering late) and {@code
   * mlp_training_cpu_seconds_total} (the training thread's CPU time: its rate, beside the starved
   * and yielded times', shows how much of the time the thread had a core).
   */
  @Override
  public void onQueueOpened(TrainingQueue queue) {
    onQueueClosed(queue); // meters of the task's earlier queue would go on reading that one
    queues.put(
        queue.task(),
        List.of(
            Gauge.builder("mlp.training.queue.records", queue, q -> q.queued())
                .description("Records logged and waiting for the training thread")
                .tag("task", queue.task())
                .register(registry),
            FunctionCounter.builder("mlp.training.starved", queue, TrainingQueue::starvedSeconds)
                .description("Time the training thread waited for records")
                .baseUnit("seconds")
                .tag("task", queue.task())
                .register(registry),
            FunctionCounter.builder("mlp.training.queue.full", queue, TrainingQueue::fullSeconds)
                .description("Time the stream thread waited for room in the training queue")
                .baseUnit("seconds")
                .tag("task", queue.task())
                .register(registry),
            FunctionCounter.builder("mlp.training.yielded", queue, TrainingQueue::yieldedSeconds)
                .description("Time the training thread yielded to a server answering late")
                .baseUnit("seconds")
                .tag("task", queue.task())
                .register(registry),
            FunctionCounter.builder("mlp.training.cpu", queue, TrainingQueue::cpuSeconds)
                .description("CPU time the training thread used")
                .baseUnit("seconds")
                .tag("task", queue.task())
                .register(registry)));
  }

  @Override
  public void onQueueClosed(TrainingQueue queue) {
    List<Meter> meters = queues.remove(queue.task());
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  @Override
  public void onRejected(Rejection rejection) {
    String reason = reasonKind(rejection.reason());
    rejected
        .computeIfAbsent(
            rejection.stage() + "/" + reason,
            key ->
                Counter.builder("mlp.samples.rejected")
                    .description("Records sent to the dead-letter topic, by stage and reason")
                    .tag("stage", rejection.stage())
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /**
   * A reason's template, for a tag of bounded cardinality: numbers become N, quoted text Q ({@code
   * expected 784 features, got 783} becomes {@code expected N features, got N}).
   */
  static String reasonKind(String reason) {
    String kind =
        reason
            .replaceAll("'[^']*'", "Q")
            .replaceAll("\"[^\"]*\"", "Q")
            .replaceAll("-?[0-9][0-9.eE+-]*", "N")
            .replaceAll("\\[.*", "")
            .trim();
    int colon = kind.indexOf(':');
    if (colon > 0) {
      kind = kind.substring(0, colon);
    }
    return kind.length() > 60 ? kind.substring(0, 60) : kind;
  }

  /**
   * The first dense layer's weights as an inspection found them, at most {@link
   * #WEIGHT_IMAGE_EVERY} before the last inspection; null before the first.
   */
  public FMatrixRMaj firstLayerWeights(String model) {
    ModelMeters meters = models.get(model);
    return meters == null ? null : meters.status.firstLayer;
  }

  /** What gauges read: one model's numbers after its latest batch. */
  private record Status(
      Inspection inspection,
      long version,
      long samplesTrained,
      long rollbacks,
      double learningRate,
      double prequentialAccuracy,
      double validationAccuracy,
      double validationLoss,
      FMatrixRMaj firstLayer) {

    static final Status EMPTY =
        new Status(null, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);

    double loss() {
      return inspection == null ? Double.NaN : inspection.loss();
    }

    double penalty() {
      return inspection == null ? Double.NaN : inspection.penalty();
    }

    Inspection.LayerStats layer(String name) {
      if (inspection != null) {
        for (Inspection.LayerStats layer : inspection.layers()) {
          if (layer.name().equals(name)) {
            return layer;
          }
        }
      }
      return null;
    }
  }

  /** One model's meters. */
  private final class ModelMeters {
    final String model;
    final Timer stepTime;
    final Counter skipped;
    final Map<String, Boolean> layers = new ConcurrentHashMap<>();
    volatile Status status = Status.EMPTY;
    // written and read by the training thread only
    long firstLayerCopiedNanos;
    boolean inspected;
    long lastInspectionNanos;

    ModelMeters(String model) {
      this.model = model;
      gauge(
          "mlp.training.loss",
          "Loss (data + penalties) of the last inspected batch",
          s -> s.loss());
      gauge(
          "mlp.training.regularization.loss",
          "Penalties (L1, L2) of the last inspected batch",
          s -> s.penalty());
      gauge(
          "mlp.prequential.accuracy",
          "Accuracy of predictions made before learning, over the metrics window",
          Status::prequentialAccuracy);
      gauge(
          "mlp.validation.accuracy",
          "Accuracy on validation data, over the metrics window",
          Status::validationAccuracy);
      gauge(
          "mlp.validation.loss",
          "Data loss on validation data, over the metrics window",
          Status::validationLoss);
      gauge("mlp.learning.rate", "Learning rate of the next update", Status::learningRate);
      gauge("mlp.model.version", "Updates the model has applied", s -> (double) s.version());
      FunctionCounter.builder("mlp.samples.trained", this, m -> m.status.samplesTrained())
          .description("Training samples learned")
          .tag("model", model)
          .register(registry);
      FunctionCounter.builder("mlp.batches.trained", this, m -> m.status.version())
          .description("Mini-batch updates applied")
          .tag("model", model)
          .register(registry);
      FunctionCounter.builder("mlp.model.rollbacks", this, m -> m.status.rollbacks())
          .description(
              "Returns to the last good state after diverging batches in a row, each with a tenth"
                  + " of the learning rate")
          .tag("model", model)
          .register(registry);
      skipped =
          Counter.builder("mlp.batches.skipped")
              .description("Batches not applied")
              .tag("model", model)
              .tag("reason", "non-finite")
              .register(registry);
      stepTime =
          Timer.builder("mlp.train.step")
              .description("Time of one training step (forward, backward, update)")
              .tag("model", model)
              .publishPercentileHistogram()
              .register(registry);
    }

    private void gauge(
        String name, String description, java.util.function.ToDoubleFunction<Status> value) {
      Gauge.builder(name, this, m -> value.applyAsDouble(m.status))
          .description(description)
          .tag("model", model)
          .register(registry);
    }

    /**
     * Registers a layer's gauges at its first inspection; the dead-ReLU and saturation ratios only
     * where they apply (ReLU-family, tanh or sigmoid layers), so no series is always NaN.
     */
    void layer(Inspection.LayerStats first) {
      String layer = first.name();
      if (layers.putIfAbsent(layer, Boolean.TRUE) != null) {
        return;
      }
      layerGauge(
          layer,
          "mlp.update.ratio",
          "||dW|| / ||W|| of the last inspected update (healthy near 1e-3)",
          Inspection.LayerStats::updateRatio);
      layerGauge(
          layer,
          "mlp.gradient.norm",
          "||dW|| of the last inspected batch",
          Inspection.LayerStats::gradientNorm);
      if (!Double.isNaN(first.deadRatio())) {
        layerGauge(
            layer,
            "mlp.dead.relu.ratio",
            "Share of ReLU units that output 0 for every sample of the last inspected batch",
            Inspection.LayerStats::deadRatio);
      }
      if (!Double.isNaN(first.saturationRatio())) {
        layerGauge(
            layer,
            "mlp.saturation.ratio",
            "Share of tanh/sigmoid outputs within 0.01 of their bounds in the last inspected"
                + " batch",
            Inspection.LayerStats::saturationRatio);
      }
    }

    private void layerGauge(
        String layer,
        String name,
        String description,
        java.util.function.ToDoubleFunction<Inspection.LayerStats> value) {
      Gauge.builder(
              name,
              this,
              m -> {
                Inspection.LayerStats stats = m.status.layer(layer);
                return stats == null ? Double.NaN : value.applyAsDouble(stats);
              })
          .description(description)
          .tag("model", model)
          .tag("layer", layer)
          .register(registry);
    }
  }
}
