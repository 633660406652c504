package io.kafkamlp.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Model;
import io.kafkamlp.nn.ModelCodec;
import io.kafkamlp.nn.Parameter;
import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.serve.ModelSnapshot;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kafka-mlp export}: the latest snapshot of a model as a readable JSON file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes the latest snapshot of a model from the model-snapshots topic as JSON: version,"
            + " samples trained, metrics, the model spec, every layer's parameters (W stored"
            + " inputs x outputs, row-major) and the normalizer's statistics.")
final class ExportCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster.")
  String bootstrapServers;

  @Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(names = "--model", description = "Model name (default: default).")
  String model = "default";

  @Option(names = "--out", required = true, description = "JSON file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ModelSnapshot snapshot = latest();
    PrintWriter console = commandSpec.commandLine().getOut();
    if (snapshot == null) {
      console.printf("no snapshot of model '%s' in %s%n", model, Topics.SNAPSHOTS);
      console.flush();
      return 1;
    }
    write(snapshot, out);
    console.printf(
        "wrote model '%s' version %d (%,d samples trained) to %s%n",
        model, snapshot.version(), snapshot.samplesTrained(), out);
    console.flush();
    return 0;
  }

  private ModelSnapshot latest() {
    byte[] wanted = model.getBytes(StandardCharsets.UTF_8);
    byte[] latest = null;
    try (KafkaConsumer<byte[], byte[]> consumer =
        Pipeline.committedReader(kafkaConfig.clients(bootstrapServers))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.SNAPSHOTS).stream()
              .map(p -> new TopicPartition(Topics.SNAPSHOTS, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (java.util.Arrays.equals(r.key(), wanted) && r.value() != null) {
            latest = r.value();
          }
        }
      }
    }
    return latest == null ? null : ModelSnapshot.fromBytes(latest);
  }

  static void write(ModelSnapshot snapshot, Path file) throws java.io.IOException {
    Model network = ModelCodec.decode(snapshot.network());
    RunningStandardizer normalizer = RunningStandardizer.fromBytes(snapshot.normalizer());
    try (JsonGenerator g =
        new JsonFactory().createGenerator(Files.newOutputStream(file), JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("model", snapshot.model());
      g.writeNumberField("version", snapshot.version());
      g.writeNumberField("samplesTrained", snapshot.samplesTrained());
      g.writeStringField("createdAt", Instant.ofEpochMilli(snapshot.createdAtMillis()).toString());
      g.writeObjectFieldStart("metrics");
      ModelSnapshot.Metrics m = snapshot.metrics();
      number(g, "prequentialAccuracy", m.prequentialAccuracy());
      number(g, "cumulativePrequentialAccuracy", m.cumulativePrequentialAccuracy());
      number(g, "prequentialLoss", m.prequentialLoss());
      number(g, "validationAccuracy", m.validationAccuracy());
      number(g, "validationLoss", m.validationLoss());
      g.writeEndObject();
      g.writeObjectFieldStart("spec");
      for (var e : new TreeMap<>(network.spec().toProperties()).entrySet()) {
        g.writeStringField(e.getKey().toString(), e.getValue().toString());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("parameters");
      for (Parameter p : network.network().parameters()) {
        g.writeStartObject();
        g.writeStringField("name", p.name());
        g.writeArrayFieldStart("shape");
        g.writeNumber(p.value().numRows);
        g.writeNumber(p.value().numCols);
        g.writeEndArray();
        g.writeArrayFieldStart("values");
        for (int i = 0; i < p.size(); i++) {
          g.writeNumber(p.value().data[i]);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("normalizer");
      g.writeNumberField("count", normalizer.count());
      g.writeArrayFieldStart("mean");
      for (int i = 0; i < normalizer.features(); i++) {
        g.writeNumber(normalizer.mean(i));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("variance");
      for (int i = 0; i < normalizer.features(); i++) {
        g.writeNumber(normalizer.variance(i));
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  private static void number(JsonGenerator g, String name, double value)
      throws java.io.IOException {
    if (Double.isFinite(value)) {
      g.writeNumberField(name, value);
    } else {
      g.writeNullField(name);
    }
  }
}
