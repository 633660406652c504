/**
 * Activation functions and their derivatives: ReLU, leaky ReLU, tanh, sigmoid, Maxout, identity,
 * each with the weight initialization that suits it (He or Xavier). Build them with {@link
 * io.kafkamlp.nn.activation.Activations}.
 */
package io.kafkamlp.nn.activation;
