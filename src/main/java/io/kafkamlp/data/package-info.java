/**
 * Data sources for training and demos, outside Kafka: readers of data sets on disk and a synthetic
 * stream, each producing {@link io.kafkamlp.sample.Sample}s (or plain arrays) for the producer and
 * the demo to send to the {@code samples} topic.
 *
 * <ul>
 *   <li>{@link io.kafkamlp.data.IdxReader}: IDX files (MNIST, Fashion-MNIST), plain or gzip, and
 *       {@link io.kafkamlp.data.IdxReader#fashionMnist} for a whole folder, by default Debian's
 *       {@code dataset-fashion-mnist} in {@code /usr/share/datasets/fashion-mnist}, as a {@link
 *       io.kafkamlp.data.Dataset}. Pixels are raw 0..255: scaling is the standardizer's job.
 *   <li>{@link io.kafkamlp.data.CsvReader}: numeric CSV, header auto-detected, label column chosen
 *       by {@link io.kafkamlp.data.CsvOptions}; a bad row fails with the line number ({@link
 *       io.kafkamlp.data.CsvFormatException}).
 *   <li>{@link io.kafkamlp.data.SyntheticStream}: an endless seeded stream of Gaussian-mixture
 *       classes, with its achievable accuracy documented and tested.
 * </ul>
 *
 * <p>Readers load everything into memory (Fashion-MNIST as floats: about 220 MB) and report every
 * malformed input as an exception naming the file and the place; none prints. This package imports
 * the JDK and {@code io.kafkamlp.sample} only.
 */
package io.kafkamlp.data;
