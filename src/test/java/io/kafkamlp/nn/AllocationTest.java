package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.spec.ModelSpec;
import java.lang.management.ManagementFactory;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The training step allocates nothing once the batch size is steady. */
class AllocationTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void shouldAllocateNothingWhenTrainingWithSteadyBatchSize() {
    ModelSpec spec =
        ModelSpec.defaults()
            .with("layers", "64,32,16,10")
            .with("batch-norm", "true")
            .with("l2", "1e-4")
            .with("l1", "1e-5")
            .with("max-norm", "3")
            .withDropout(0.1);
    Model model = Models.create(spec);
    Rng rng = new Rng(5);
    FMatrixRMaj x = new FMatrixRMaj(32, 64);
    FMatrixRMaj t = new FMatrixRMaj(32, 1);
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < t.data.length; i++) {
      t.data[i] = rng.nextInt(10);
    }
    for (int s = 0; s < 20_000; s++) { // long enough for the JIT to compile the step
      model.trainStep(x, t);
    }

    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int s = 0; s < 1000; s++) {
      model.trainStep(x, t);
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    // Any per-step allocation costs at least 16 bytes a step, 16,000 here; the margin below that
    // absorbs one-off JIT events (a deoptimization can allocate a few hundred bytes once).
    assertTrue(allocated < 1000, allocated + " bytes allocated by 1000 training steps");
  }
}
