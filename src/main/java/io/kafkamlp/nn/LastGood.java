package io.kafkamlp.nn;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * A copy of a model's whole trainable state (parameters, optimizer state, running statistics) as it
 * was at one step, to go back to when training diverges.
 *
 * <p>The copies are allocated at the first {@link #save} and reused after it, so saving allocates
 * nothing in steady state.
 */
final class LastGood {

  private final List<FMatrixRMaj> live;
  private final List<FMatrixRMaj> copies = new ArrayList<>();
  private long step = -1;

  /**
   * @param live the model's tensors, in the order {@link ModelCodec} writes them; held, not copied
   */
  LastGood(List<FMatrixRMaj> live) {
    this.live = List.copyOf(live);
  }

  /** Whether a state has been saved. */
  boolean isEmpty() {
    return step < 0;
  }

  /** The model step of the saved state; -1 when none. */
  long step() {
    return step;
  }

  /** Copies the live tensors, recording that they are the state at {@code modelStep}. */
  void save(long modelStep) {
    allocate();
    for (int i = 0; i < live.size(); i++) {
      copies.get(i).setTo(live.get(i));
    }
    step = modelStep;
  }

  /**
   * Copies the saved state back into the live tensors.
   *
   * @throws IllegalStateException when nothing was saved
   */
  void restore() {
    if (isEmpty()) {
      throw new IllegalStateException("no good state saved");
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).setTo(copies.get(i));
    }
  }

  /** The saved tensors, empty when none; for the codec to write, or to fill before {@link #set}. */
  List<FMatrixRMaj> copies() {
    return copies;
  }

  /** Allocates the copies so that the codec can fill them, then call {@link #set}. */
  List<FMatrixRMaj> allocate() {
    if (copies.isEmpty()) {
      for (FMatrixRMaj tensor : live) {
        copies.add(tensor.createLike());
      }
    }
    return copies;
  }

  /** Declares the copies (filled by the codec) the state at {@code modelStep}; -1 for none. */
  void set(long modelStep) {
    step = modelStep;
  }
}
