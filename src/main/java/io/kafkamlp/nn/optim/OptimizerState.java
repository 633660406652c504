package io.kafkamlp.nn.optim;

import io.kafkamlp.nn.Parameter;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/** The memory one update rule keeps for one parameter. */
public interface OptimizerState {

  /**
   * Applies one update to {@code parameter.value()} from {@code parameter.gradient()}, and advances
   * this state. Allocates nothing.
   *
   * @param parameter the parameter this state was created for; value modified, gradient not
   * @param learningRate the step size for this update
   * @param step the 1-based number of this update (Adam's bias correction uses it)
   */
  void update(Parameter parameter, float learningRate, long step);

  /** The state's tensors, in a fixed order, for saving and restoring; empty for plain SGD. */
  List<FMatrixRMaj> buffers();
}
