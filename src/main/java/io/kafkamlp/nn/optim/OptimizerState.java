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

  /**
   * Whether {@link #update} with the same arguments would leave every element of the parameter's
   * value and of this state finite. Changes nothing and allocates nothing; it computes exactly what
   * {@code update} computes, element by element, so the answer is exact. A model calls it for every
   * parameter before updating any, so that a step that would overflow is not applied at all.
   */
  boolean updateIsFinite(Parameter parameter, float learningRate, long step);

  /**
   * Bounds what {@link #update} can reach, cheaply, so that a model runs {@link #updateIsFinite}'s
   * exact pass only near overflow: given upper bounds of every |value| and every |state element|
   * before the update and of every |gradient element|, computes upper bounds after it (in double,
   * loose enough to cover float rounding). Changes nothing.
   *
   * @param bounds modified: in, {max |value|, max |state|, max |gradient|, -}; out, the first two
   *     after the update and, last, a bound of the intermediate products (such as {@code lr * dx})
   */
  void boundUpdate(double[] bounds, double learningRate, long step);

  /** The state's tensors, in a fixed order, for saving and restoring; empty for plain SGD. */
  List<FMatrixRMaj> buffers();
}
