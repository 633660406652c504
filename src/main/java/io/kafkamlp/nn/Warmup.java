package io.kafkamlp.nn;

import io.kafkamlp.nn.loss.Losses;
import io.kafkamlp.spec.ModelSpec;
import org.ejml.data.FMatrixRMaj;

/**
 * Runs a throwaway copy of a model through training steps and single-row predictions, so that the
 * JIT compiles the hot path before a pipeline starts. Until C2 compiles them, the Vector API
 * kernels run boxed, tens of times slower; a fresh pipeline otherwise reaches them only after the
 * Kafka clients and Streams have filled the compiler's queue, and spends its first tens of seconds
 * slow. Touches nothing but its own model: what any real model learns is unchanged.
 */
public final class Warmup {

  private Warmup() {}

  /**
   * Trains a fresh model of {@code spec} for {@code steps} steps on zeros (a valid target for every
   * loss) and predicts {@code predictions} single rows with it.
   *
   * @return how long it took, in milliseconds
   */
  public static long run(ModelSpec spec, int steps, int predictions) {
    long start = System.nanoTime();
    Model model = Models.create(spec);
    FMatrixRMaj x = new FMatrixRMaj(spec.batchSize(), spec.inputs());
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = (i % 7) * 0.25f - 0.5f;
    }
    FMatrixRMaj targets =
        new FMatrixRMaj(spec.batchSize(), Losses.byName(spec.loss()).targetWidth(spec.outputs()));
    for (int i = 0; i < steps; i++) {
      model.trainStep(x, targets, i % 10 == 0);
    }
    FMatrixRMaj row = new FMatrixRMaj(1, spec.inputs());
    System.arraycopy(x.data, 0, row.data, 0, spec.inputs());
    FMatrixRMaj output = new FMatrixRMaj(1, spec.outputs());
    for (int i = 0; i < predictions; i++) {
      model.predict(row, output);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
