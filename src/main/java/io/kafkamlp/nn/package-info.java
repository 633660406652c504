/**
 * The numeric core: a multi-layer perceptron on EJML matrices, in float, with no Kafka in sight.
 *
 * <p>{@link io.kafkamlp.nn.Models#create} builds a {@link io.kafkamlp.nn.Model} from a {@link
 * io.kafkamlp.spec.ModelSpec}; {@link io.kafkamlp.nn.Model#trainStep} is one mini-batch update
 * (forward, loss and gradient, backward, optimizer step, constraint) and allocates nothing once the
 * batch size is steady; {@link io.kafkamlp.nn.ModelCodec} saves and restores the full state bit for
 * bit. Training is deterministic: the same spec and batches give the same bits, with or without the
 * SIMD kernels.
 *
 * <p>This package is also the source of its double-precision twin, {@code io.kafkamlp.nn64},
 * generated at build time by text substitution ({@code float} to {@code double}, {@code FMatrix} to
 * {@code DMatrix}, and so on; see {@code pom.xml}). So: write {@code float} code with {@code
 * f}-suffixed literals, and never use an API whose double counterpart has another name (such as
 * {@code Float.floatToIntBits}).
 */
package io.kafkamlp.nn;
