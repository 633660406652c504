package io.kafkamlp.train;

import io.kafkamlp.nn.Rng;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** A small classification problem for trainer tests: 4 features, 3 classes, seeded. */
public final class TestSamples {

  /** 4-8-3 ReLU softmax, Adam 0.05, batches of 4. */
  public static final ModelSpec SPEC =
      ModelSpec.defaults().with("layers", "4,8,3").withBatchSize(4).with("lr", "0.05");

  private TestSamples() {}

  /** {@code n} labeled samples of the default model; the label's feature is raised by 8. */
  public static List<Sample> samples(int n, long seed) {
    Rng rng = new Rng(seed);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rng.nextInt(3);
      float[] x = new float[4];
      for (int j = 0; j < 4; j++) {
        x[j] = (float) (10 + 5 * rng.nextGaussian() + (j == label ? 8 : 0));
      }
      samples.add(new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {label}));
    }
    return samples;
  }
}
