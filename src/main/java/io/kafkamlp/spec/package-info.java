/**
 * {@link io.kafkamlp.spec.ModelSpec}: what a model is, as the same keys on the command line and in
 * properties files. Depends on the JDK only.
 */
package io.kafkamlp.spec;
