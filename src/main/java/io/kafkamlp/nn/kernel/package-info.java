/**
 * The matrix products of the training step: register-tiled SIMD kernels on the Vector API ({@code
 * --add-modules jdk.incubator.vector}) and plain scalar kernels that compute the same fma chains in
 * the same order, so both give the same bits.
 */
package io.kafkamlp.nn.kernel;
