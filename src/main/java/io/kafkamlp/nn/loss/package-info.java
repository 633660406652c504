/**
 * Data losses with their gradients with respect to the scores: softmax cross-entropy, multiclass
 * SVM hinge, independent sigmoid per label, L2 and L1 regression. Build them with {@link
 * io.kafkamlp.nn.loss.Losses}.
 */
package io.kafkamlp.nn.loss;
