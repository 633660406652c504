package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.SampleLimits;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.ValidationSplit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The pipeline against a broker that only speaks SASL_PLAINTEXT with the PLAIN mechanism: with a
 * {@code --kafka-config} file of credentials, every client of {@code run}, {@code produce} and
 * {@code export} connects, so it trains and answers; with wrong or no credentials it fails at once
 * with an error that says why.
 */
class SaslEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

  private static EmbeddedKafka broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafka.start(
            0,
            null,
            SecurityProtocol.SASL_PLAINTEXT,
            Map.of(
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    PLAIN
                        + " required username=\"broker\" password=\"broker-secret\""
                        + " user_broker=\"broker-secret\" user_alice=\"alice-secret\";"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** A --kafka-config file: SASL_PLAINTEXT, PLAIN, and these credentials (none when null). */
  private Path credentials(String user, String password) throws Exception {
    StringBuilder text =
        new StringBuilder("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
    if (user != null) {
      text.append("sasl.jaas.config=")
          .append(PLAIN)
          .append(" required username=\"")
          .append(user)
          .append("\" password=\"")
          .append(password)
          .append("\";\n");
    }
    Path file = Files.createTempFile(dir, "client-", ".properties");
    Files.writeString(file, text);
    return file;
  }

  private static CommandLine quietCli(StringWriter out) {
    CommandLine cli = KafkaMlp.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    return cli;
  }

  /** 3 classes in 4 features: the label's feature is raised by 8 over unit noise. */
  private static Sample sample(Rng rng, boolean labeled, int[] labelOut) {
    int label = rng.nextInt(3);
    float[] x = new float[4];
    for (int j = 0; j < 4; j++) {
      x[j] = (float) (100 + rng.nextGaussian() + (j == label ? 8 : 0));
    }
    labelOut[0] = label;
    return labeled
        ? new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {label})
        : new Sample(Sample.DEFAULT_MODEL, x, TargetKind.NONE, new float[0]);
  }

  @Test
  void shouldTrainAndPredictWhenEveryClientHasTheCredentialsFile() throws Exception {
    Path config = credentials("alice", "alice-secret");
    String bootstrap = broker.bootstrapServers();
    Rng rng = new Rng(17);
    int[] label = new int[1];
    Path jsonl = dir.resolve("train.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      lines.add(new String(SampleCodec.toJson(sample(rng, true, label)), StandardCharsets.UTF_8));
    }
    Files.write(jsonl, lines);
    ValidationSplit split = new ValidationSplit(0.1);
    long training = 0;
    for (int i = 0; i < lines.size(); i++) {
      training += split.isValidation(("train.jsonl-" + i).getBytes(StandardCharsets.UTF_8)) ? 0 : 1;
    }
    long expectedTrained = training / 8 * 8;

    StringWriter out = new StringWriter();
    CommandLine cli = quietCli(out);
    cli.parseArgs(
        "run",
        "--bootstrap-servers",
        bootstrap,
        "--kafka-config",
        config.toString(),
        "--data-dir",
        dir.resolve("run").toString(),
        "--application-id",
        "sasl",
        "--metrics-port",
        "0",
        "--metrics-address",
        "127.0.0.1",
        "--layers",
        "4,16,3",
        "--batch-size",
        "8",
        "--lr",
        "0.01",
        "--snapshot-batches",
        "10",
        "--snapshot-seconds",
        "1",
        "--checkpoint-seconds",
        "2");
    RunCommand run = cli.getSubcommands().get("run").getCommand();
    Map<String, ModelSpec> models = run.options.models(ModelOptions.spec(run.commandSpec));
    KafkaClients kafka;
    try (RunCommand.Running running =
        RunCommand.Running.start(run.options, models, new PrintWriter(out))) {
      kafka = running.kafka;
      int produced =
          quietCli(out)
              .execute(
                  "produce",
                  "--bootstrap-servers",
                  bootstrap,
                  "--kafka-config",
                  config.toString(),
                  "--jsonl",
                  jsonl.toString());
      assertEquals(0, produced, out.toString());

      ModelSnapshot trained =
          awaitSnapshot(kafka, s -> s.samplesTrained() == expectedTrained, Duration.ofSeconds(60));
      assertTrue(trained.metrics().validationAccuracy() > 0.9, trained.metrics().toString());

      Map<String, Integer> truth = new HashMap<>();
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
        for (int i = 0; i < 100; i++) {
          Sample request = sample(rng, false, label);
          truth.put("q-" + i, label[0]);
          producer.send(
              new ProducerRecord<>(
                  Topics.SAMPLES,
                  ("q-" + i).getBytes(StandardCharsets.UTF_8),
                  SampleCodec.toJson(request)));
        }
      }
      int correct = 0;
      List<ConsumerRecord<byte[], byte[]>> answers =
          consume(kafka, Topics.PREDICTIONS, 100, Duration.ofSeconds(30));
      assertEquals(100, answers.size());
      for (ConsumerRecord<byte[], byte[]> answer : answers) {
        JsonNode json = JSON.readTree(answer.value());
        correct += json.get("predicted").asInt() == truth.get(json.get("id").asText()) ? 1 : 0;
      }
      assertTrue(correct >= 90, "accuracy " + correct + "/100");

      int port = running.pipeline.metricsPort();
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("mlp_samples_trained_total"));
    }
    // The final snapshot was published by the stop's own producer, with the credentials too.
    assertTrue(out.toString().contains("final snapshot of 'default'"), out.toString());

    Path exported = dir.resolve("model.json");
    int exportedCode =
        quietCli(out)
            .execute(
                "export",
                "--bootstrap-servers",
                bootstrap,
                "--kafka-config",
                config.toString(),
                "--out",
                exported.toString());
    assertEquals(0, exportedCode, out.toString());
    assertEquals(expectedTrained, JSON.readTree(exported.toFile()).get("samplesTrained").asLong());
  }

  @Test
  void shouldFailFastWithTheReasonWhenThePasswordIsWrong() throws Exception {
    KafkaClients wrong =
        KafkaClients.fromFile(broker.bootstrapServers(), credentials("alice", "x"));

    RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> startFails(wrong));

    String causes = causes(e);
    assertTrue(causes.contains("--kafka-config"), causes);
    assertTrue(causes.contains("Authentication failed"), causes);
  }

  @Test
  void shouldFailFastWithTheReasonWhenTheCredentialsAreMissing() throws Exception {
    KafkaClients none = KafkaClients.fromFile(broker.bootstrapServers(), credentials(null, null));

    RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> startFails(none));

    String causes = causes(e);
    assertTrue(causes.contains("JAAS"), causes);
  }

  private RuntimeException startFails(KafkaClients kafka) {
    return assertThrows(
        RuntimeException.class,
        () ->
            new Pipeline(
                kafka,
                Map.of(Sample.DEFAULT_MODEL, ModelSpec.defaults().with("layers", "4,3")),
                TrainerSettings.defaults(),
                "sasl-refused",
                dir.resolve("refused"),
                Map.of(),
                SampleLimits.DEFAULTS,
                "127.0.0.1",
                -1,
                Role.ALL));
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(
      KafkaClients kafka, String topic, int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(kafka)) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static ModelSnapshot awaitSnapshot(
      KafkaClients kafka, java.util.function.Predicate<ModelSnapshot> condition, Duration timeout) {
    ModelSnapshot latest = null;
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(kafka)) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          latest = ModelSnapshot.fromBytes(r.value());
          if (condition.test(latest)) {
            return latest;
          }
        }
      }
    }
    throw new AssertionError("no snapshot met the condition in " + timeout + "; last " + latest);
  }
}
