/**
 * First-order update rules: {@link io.kafkamlp.nn.optim.Sgd}, {@link io.kafkamlp.nn.optim.Momentum}
 * (classical and Nesterov), {@link io.kafkamlp.nn.optim.Adagrad}, {@link
 * io.kafkamlp.nn.optim.RmsProp} and {@link io.kafkamlp.nn.optim.Adam}, created by name or with
 * defaults through {@link io.kafkamlp.nn.optim.Optimizers}.
 *
 * <p>An {@link io.kafkamlp.nn.optim.Optimizer} is an immutable, validated configuration; each
 * parameter gets its own {@link io.kafkamlp.nn.optim.OptimizerState} holding zero-initialised
 * buffers of the parameter's shape. Updates are element-wise loops over the backing arrays that
 * allocate nothing. In the formulas, {@code x} is the parameter value, {@code dx} its gradient,
 * {@code lr} the learning rate of the update, all operations are element-wise, and {@code t} is the
 * 1-based step number.
 */
package io.kafkamlp.nn.optim;
