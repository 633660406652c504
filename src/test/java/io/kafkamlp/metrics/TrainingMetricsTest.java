package io.kafkamlp.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {

  private static final int BATCH = TestSamples.SPEC.batchSize();

  @Test
  void shouldCopyTheFirstLayerForTheWeightImageAtMostOnceAnInterval() {
    AtomicLong clock = new AtomicLong();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainingMetrics metrics =
        new TrainingMetrics(registry, registry.getPrometheusRegistry(), clock::get);
    ModelTrainer trainer =
        new ModelTrainer("default", TestSamples.SPEC, TrainerSettings.defaults());
    trainer.observe(metrics);
    Iterator<Sample> samples = TestSamples.samples(10_000, 3).iterator();
    assertNull(metrics.firstLayerWeights("default"));

    inspect(trainer, samples); // the first inspection copies at once
    FMatrixRMaj first = metrics.firstLayerWeights("default");
    assertArrayEquals(weights(trainer), first.data);

    clock.addAndGet(TrainingMetrics.WEIGHT_IMAGE_EVERY.toNanos() - 1);
    inspect(trainer, samples); // too soon: the image keeps the first copy
    assertSame(first, metrics.firstLayerWeights("default"));
    assertFalse(Arrays.equals(weights(trainer), first.data), "training did not change weights");

    clock.addAndGet(1);
    inspect(trainer, samples);
    FMatrixRMaj second = metrics.firstLayerWeights("default");
    assertNotSame(first, second);
    assertArrayEquals(weights(trainer), second.data);
    registry.close();
  }

  /** A queue whose figures the test sets. */
  private static final class FixedQueue implements TrainingQueue {
    final String task;
    int queued;
    double starved;
    double full;

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
  }

  @Test
  void shouldExposeEachTasksTrainingQueueWhileItIsOpen() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TrainingMetrics metrics = new TrainingMetrics(registry, registry.getPrometheusRegistry());
    FixedQueue queue = new FixedQueue("0_0");
    metrics.onQueueOpened(queue);
    queue.queued = 17;
    queue.starved = 1.5;
    queue.full = 42.25;

    String text = registry.scrape();
    assertTrue(text.contains("mlp_training_queue_records{task=\"0_0\"} 17.0"), text);
    assertTrue(text.contains("mlp_training_starved_seconds_total{task=\"0_0\"} 1.5"), text);
    assertTrue(text.contains("mlp_training_queue_full_seconds_total{task=\"0_0\"} 42.25"), text);

    // the task closes and opens again (a rebalance): the meters read the new queue
    metrics.onQueueClosed(queue);
    assertFalse(registry.scrape().contains("mlp_training_queue"), "removed with its task");
    FixedQueue reopened = new FixedQueue("0_0");
    metrics.onQueueOpened(reopened);
    reopened.queued = 3;
    assertTrue(registry.scrape().contains("mlp_training_queue_records{task=\"0_0\"} 3.0"));
    assertEquals(3, registry.get("mlp.training.queue.records").gauge().value());
    registry.close();
  }

  /** Trains up to and including the next inspected batch. */
  private static void inspect(ModelTrainer trainer, Iterator<Sample> samples) {
    do {
      for (int i = 0; i < BATCH; i++) {
        trainer.accept(samples.next(), false);
      }
    } while ((trainer.model().step() - 1) % TrainingMetrics.INSPECT_EVERY_BATCHES != 0);
  }

  private static float[] weights(ModelTrainer trainer) {
    return trainer.model().network().parameters().get(0).value().data;
  }
}
