/**
 * Learning-rate schedules: the rate of each update as a function of the number of updates done so
 * far, created through {@link io.kafkamlp.nn.schedule.LearningRateSchedules}.
 *
 * <p>{@link io.kafkamlp.nn.schedule.Constant}, {@link io.kafkamlp.nn.schedule.StepDecay}, {@link
 * io.kafkamlp.nn.schedule.ExponentialDecay} and {@link io.kafkamlp.nn.schedule.InverseTimeDecay}
 * are pure functions of the step; {@link io.kafkamlp.nn.schedule.ReduceOnPlateau} reacts to the
 * validation losses it is fed and carries state. Schedules compute in double: they are independent
 * of the precision of the network.
 */
package io.kafkamlp.nn.schedule;
