package io.kafkamlp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.nn.Inspection;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.train.ModelTrainer;
import io.kafkamlp.train.TestSamples;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.TrainingQueue;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {

  private static final int BATCH = TestSamples.SPEC.batchSize();

  private final AtomicLong clock = new AtomicLong();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TrainingMetrics metrics =
      new TrainingMetrics(registry, registry.getPrometheusRegistry(), clock::get);

  /** The default model's trainer, heard by {@link #metrics}, and its samples. */
  private final ModelTrainer trainer =
      new ModelTrainer("default", TestSamples.SPEC, TrainerSettings.defaults());

  private final Iterator<Sample> samples = TestSamples.samples(10_000, 3).iterator();

  @BeforeEach
  void observe() {
    trainer.observe(metrics);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void shouldInspectAModelsFirstStepThenAtMostOnceAnInterval() {
    long every = TrainingMetrics.INSPECT_EVERY.toNanos();

    trainBatch(trainer, samples);
    Inspection first = trainer.model().lastInspection();
    assertNotNull(first, "the first step, at once");

    clock.set(every - 1);
    for (int i = 0; i < 5; i++) {
      trainBatch(trainer, samples);
    }
    assertSame(first, trainer.model().lastInspection(), "none within the interval");

    clock.set(every);
    trainBatch(trainer, samples);
    Inspection second = trainer.model().lastInspection();
    assertNotSame(first, second, "the first step once the interval has passed");

    trainBatch(trainer, samples);
    assertSame(second, trainer.model().lastInspection(), "the interval counts from the last");

    // another model has its own interval: its first step is inspected now
    ModelTrainer other = new ModelTrainer("other", TestSamples.SPEC, TrainerSettings.defaults());
    other.observe(metrics);
    trainBatch(other, TestSamples.samples(BATCH, 5).iterator());
    assertNotNull(other.model().lastInspection());
  }

  @Test
  void shouldCopyTheFirstLayerForTheWeightImageAtMostOnceAnInterval() {
    assertNull(metrics.firstLayerWeights("default"));

    trainBatch(trainer, samples); // the first inspection copies at once
    FMatrixRMaj first = metrics.firstLayerWeights("default");
    assertArrayEquals(weights(trainer), first.data);

    long interval = TrainingMetrics.WEIGHT_IMAGE_EVERY.toNanos();
    inspectAt(interval - 1); // too soon: the image keeps the first copy
    assertSame(first, metrics.firstLayerWeights("default"));
    assertFalse(Arrays.equals(weights(trainer), first.data), "training did not change weights");

    inspectAt(interval - 1 + TrainingMetrics.INSPECT_EVERY.toNanos());
    FMatrixRMaj second = metrics.firstLayerWeights("default");
    assertNotSame(first, second);
    assertArrayEquals(weights(trainer), second.data);
  }

  /** A queue whose figures the test sets. */
  private static final class FixedQueue implements TrainingQueue {
    final String task;
    int queued;
    double starved;
    double full;
    double yielded;
    double cpu;

    FixedQueue(String task) {
      this.task = task;
    }

    @Override
    public String task() {
      return task;
    }

    @Override
    public int queued() {
      return queued;
    }

    @Override
    public int capacity() {
      return 1024;
    }

    @Override
    public double starvedSeconds() {
      return starved;
    }

    @Override
    public double fullSeconds() {
      return full;
    }

    @Override
    public double yieldedSeconds() {
      return yielded;
    }

    @Override
    public double cpuSeconds() {
      return cpu;
    }
  }

  @Test
  void shouldExposeEachTasksTrainingQueueWhileItIsOpen() {
    FixedQueue queue = new FixedQueue("0_0");
    metrics.onQueueOpened(queue);
    queue.queued = 17;
    queue.starved = 1.5;
    queue.full = 42.25;
    queue.yielded = 0.75;
    queue.cpu = 7.5;

    String text = registry.scrape();
    assertTrue(text.contains("mlp_training_queue_records{task=\"0_0\"} 17.0"), text);
    assertTrue(text.contains("mlp_training_starved_seconds_total{task=\"0_0\"} 1.5"), text);
    assertTrue(text.contains("mlp_training_queue_full_seconds_total{task=\"0_0\"} 42.25"), text);
    assertTrue(text.contains("mlp_training_yielded_seconds_total{task=\"0_0\"} 0.75"), text);
    assertTrue(text.contains("mlp_training_cpu_seconds_total{task=\"0_0\"} 7.5"), text);

    // the task closes and opens again (a rebalance): the meters read the new queue
    metrics.onQueueClosed(queue);
    assertFalse(registry.scrape().contains("mlp_training_queue"), "removed with its task");
    assertFalse(registry.scrape().contains("mlp_training_cpu"), "removed with its task");
    assertFalse(registry.scrape().contains("mlp_training_yielded"), "removed with its task");
    FixedQueue reopened = new FixedQueue("0_0");
    metrics.onQueueOpened(reopened);
    reopened.queued = 3;
    assertTrue(registry.scrape().contains("mlp_training_queue_records{task=\"0_0\"} 3.0"));
    assertEquals(3, registry.get("mlp.training.queue.records").gauge().value());
  }

  private static void trainBatch(ModelTrainer trainer, Iterator<Sample> samples) {
    for (int i = 0; i < BATCH; i++) {
      trainer.accept(samples.next(), false);
    }
  }

  /**
   * Sets the clock to {@code nanos} and trains a batch of the default model, which is inspected.
   */
  private void inspectAt(long nanos) {
    clock.set(nanos);
    Inspection before = trainer.model().lastInspection();
    trainBatch(trainer, samples);
    assertNotSame(before, trainer.model().lastInspection(), "inspected");
  }

  private static float[] weights(ModelTrainer trainer) {
    return trainer.model().network().parameters().get(0).value().data;
  }
}
