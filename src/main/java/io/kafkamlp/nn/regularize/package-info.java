/**
 * Regularization of weights: L2 and L1 penalties (in the loss and its gradient) and the max-norm
 * constraint (a projection after each update). Dropout and batch normalization are layers, in
 * {@link io.kafkamlp.nn}.
 */
package io.kafkamlp.nn.regularize;
