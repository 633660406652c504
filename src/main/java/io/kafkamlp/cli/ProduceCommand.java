package io.kafkamlp.cli;

import io.kafkamlp.data.CsvOptions;
import io.kafkamlp.data.CsvReader;
import io.kafkamlp.data.IdxReader;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.TargetKind;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kafka-mlp produce}: loads IDX, CSV or JSON-lines files into a topic. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description =
        "Loads samples into a topic: IDX image and label files (MNIST format), CSV (numeric"
            + " columns, label in the last column by default), or JSON lines sent as they are."
            + " Keys are <file name>-<index>, so a replay of the same file keeps each sample's"
            + " train/validation split.")
final class ProduceCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster.")
  String bootstrapServers;

  @Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(names = "--topic", description = "Topic to write (default samples).")
  String topic = Topics.SAMPLES;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--idx-images", description = "IDX images file (.gz or plain).")
    Path idxImages;

    @Option(names = "--csv", description = "CSV file.")
    Path csv;

    @Option(names = "--jsonl", description = "JSON-lines file, one sample per line.")
    Path jsonl;
  }

  @Option(
      names = "--idx-labels",
      description = "IDX labels file for --idx-images; without it the samples are unlabeled.")
  Path idxLabels;

  @Option(
      names = "--label-column",
      description = "CSV column of the label, 0-based; -1: none, unlabeled (default: the last).")
  Integer labelColumn;

  @Option(names = "--model", description = "Model the samples are for (default: default).")
  String model = Sample.DEFAULT_MODEL;

  @Option(names = "--format", description = "json or binary for IDX and CSV (default json).")
  String format = "json";

  @Option(names = "--limit", description = "Send at most N samples.")
  int limit = Integer.MAX_VALUE;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("json") && !format.equals("binary")) {
      throw new IllegalArgumentException("--format must be json or binary, got " + format);
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    Map<String, Object> tuning =
        Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.LINGER_MS_CONFIG, 20);
    long sent = 0;
    Path file;
    try (KafkaProducer<byte[], byte[]> producer =
        kafkaConfig.clients(bootstrapServers).producer(tuning)) {
      if (source.jsonl != null) {
        file = source.jsonl;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          String line;
          while ((line = reader.readLine()) != null && sent < limit) {
            if (!line.isBlank()) {
              send(producer, file, sent++, line.getBytes(StandardCharsets.UTF_8));
            }
          }
        }
      } else if (source.csv != null) {
        file = source.csv;
        CsvOptions options = CsvOptions.defaults().withModel(model);
        if (labelColumn != null) {
          options = options.withLabelColumn(labelColumn);
        }
        for (Sample s : CsvReader.read(file, options)) {
          if (sent >= limit) {
            break;
          }
          send(producer, file, sent++, encode(s));
        }
      } else {
        file = source.idxImages;
        float[][] images = IdxReader.readImages(file);
        int[] labels = idxLabels == null ? null : IdxReader.readLabels(idxLabels);
        if (labels != null && labels.length != images.length) {
          throw new IllegalArgumentException(
              images.length + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < images.length && sent < limit; i++) {
          Sample s =
              labels == null
                  ? new Sample(model, images[i], TargetKind.NONE, new float[0])
                  : new Sample(model, images[i], TargetKind.LABEL, new float[] {labels[i]});
          send(producer, file, sent++, encode(s));
        }
      }
    }
    out.printf("sent %,d records from %s to %s%n", sent, file, topic);
    out.flush();
    return 0;
  }

  private byte[] encode(Sample s) {
    return format.equals("json") ? SampleCodec.toJson(s) : SampleCodec.toBinary(s);
  }

  private void send(KafkaProducer<byte[], byte[]> producer, Path file, long index, byte[] value) {
    byte[] key = (file.getFileName() + "-" + index).getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(topic, key, value));
  }
}
