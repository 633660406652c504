package io.kafkamlp.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkamlp.spec.ModelSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WarmupTest {

  /** Zeros are a valid target for every loss: the warm-up trains and predicts with each. */
  @ParameterizedTest
  @ValueSource(strings = {"softmax", "svm", "multilabel", "l2", "l1"})
  void runsEveryLossWithoutAnError(String loss) {
    ModelSpec spec =
        ModelSpec.defaults()
            .with(ModelSpec.LAYERS_CONFIG, "12,8,3")
            .with(ModelSpec.LOSS_CONFIG, loss)
            .with(ModelSpec.BATCH_NORM_CONFIG, "true")
            .with(ModelSpec.DROPOUT_CONFIG, "0.5");
    assertTrue(Warmup.run(spec, 20, 20) >= 0);
  }
}
