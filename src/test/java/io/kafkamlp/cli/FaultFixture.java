package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkamlp.kafka.Topics;
import io.kafkamlp.nn.Rng;
import io.kafkamlp.normalize.RunningStandardizer;
import io.kafkamlp.sample.Sample;
import io.kafkamlp.sample.SampleCodec;
import io.kafkamlp.sample.TargetKind;
import io.kafkamlp.serve.ModelSnapshot;
import io.kafkamlp.spec.ModelSpec;
import io.kafkamlp.train.TrainerSettings;
import io.kafkamlp.train.ValidationSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the fault tests share: one seeded stream of samples and prediction requests, the command
 * line of a pipeline process, and readers of what the pipeline wrote (committed snapshots,
 * predictions, group assignments).
 *
 * <p>Record {@code i} of the stream is a prediction request (key {@code q-<i>}) when {@code i % 10
 * == 9} and a labeled sample (key {@code s-<i>}) otherwise; 16 features, 4 classes, the label's
 * features raised by 2 over unit noise. The trainer's settings checkpoint every 5 batches and
 * snapshot every batch, so a fault always lands between checkpoints with a replay log to restore.
 */
final class FaultFixture {

  static final int FEATURES = 16;
  static final int CLASSES = 4;
  static final ModelSpec SPEC =
      ModelSpec.defaults()
          .with("layers", FEATURES + ",32,16," + CLASSES)
          .withBatchSize(8)
          .with("lr", "0.01")
          .with("dropout", "0.1")
          .with("batch-norm", "true");
  static final TrainerSettings SETTINGS =
      new TrainerSettings(0.1, 0, 20, 5, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));

  private static final ObjectMapper JSON = new ObjectMapper();

  private FaultFixture() {}

  /**
   * The arguments of {@code run} in one pipeline process of the tests, with {@link #SPEC} and
   * {@link #SETTINGS}: {@code client.id} names the process in the group's member list (see {@link
   * #owners}), and a short session timeout lets a killed member's partitions move within seconds.
   */
  static List<String> runArgs(
      String bootstrapServers, Path dataDir, String applicationId, Role role, String clientId) {
    return List.of(
        "run",
        "--bootstrap-servers",
        bootstrapServers,
        "--data-dir",
        dataDir.toString(),
        "--application-id",
        applicationId,
        "--role",
        role.toString(),
        "--validation-fraction",
        "0.1",
        "--window-batches",
        "20",
        "--checkpoint-batches",
        "5",
        "--checkpoint-seconds",
        "1",
        "--snapshot-batches",
        "1",
        "--snapshot-seconds",
        "1",
        "--metrics-port",
        "-1",
        "--streams-config",
        "client.id=" + clientId,
        "--streams-config",
        "consumer.session.timeout.ms=6000",
        "--streams-config",
        "consumer.heartbeat.interval.ms=1000",
        "--layers",
        FEATURES + ",32,16," + CLASSES,
        "--batch-size",
        "8",
        "--lr",
        "0.01",
        "--dropout",
        "0.1",
        "--batch-norm");
  }

  /** Whether record {@code i} of the stream is a prediction request. */
  static boolean isRequest(int i) {
    return i % 10 == 9;
  }

  static byte[] key(int i) {
    return ((isRequest(i) ? "q-" : "s-") + i).getBytes(StandardCharsets.UTF_8);
  }

  /** The keys of the requests among the first {@code records} of the stream. */
  static Set<String> requestKeys(int records) {
    Set<String> keys = new TreeSet<>();
    for (int i = 0; i < records; i++) {
      if (isRequest(i)) {
        keys.add(new String(key(i), StandardCharsets.UTF_8));
      }
    }
    return keys;
  }

  /** How many of the first {@code records} are labeled and not kept for validation. */
  static long trainingRecords(int records) {
    ValidationSplit split = new ValidationSplit(SETTINGS.validationFraction());
    long n = 0;
    for (int i = 0; i < records; i++) {
      n += !isRequest(i) && !split.isValidation(key(i)) ? 1 : 0;
    }
    return n;
  }

  /**
   * Sends the first {@code records} records of the stream, {@code perPause} at a time with {@code
   * pauseMillis} between, from an idempotent producer that rides out a broker outage of up to two
   * minutes. Counts acknowledged records in {@code acked}; the first failure goes to {@code
   * failure}.
   */
  static void produce(
      String bootstrapServers,
      int records,
      int perPause,
      long pauseMillis,
      AtomicLong acked,
      AtomicReference<Exception> failure) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    Rng rng = new Rng(7);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        int label = rng.nextInt(CLASSES);
        float[] x = new float[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
          x[j] = (float) (rng.nextGaussian() + (j % CLASSES == label ? 2 : 0));
        }
        Sample s =
            isRequest(i)
                ? new Sample(Sample.DEFAULT_MODEL, x, TargetKind.NONE, new float[0])
                : new Sample(Sample.DEFAULT_MODEL, x, TargetKind.LABEL, new float[] {label});
        producer.send(
            new ProducerRecord<>(Topics.SAMPLES, key(i), SampleCodec.toBinary(s)),
            (metadata, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              } else {
                failure.compareAndSet(null, e);
              }
            });
        if (i % perPause == perPause - 1) {
          Thread.sleep(pauseMillis);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * Training records a snapshot has seen: its normalizer's count, which includes a partial batch
   * (samples trained counts whole batches only); 0 for no snapshot.
   */
  static long seen(ModelSnapshot snapshot) {
    return snapshot == null ? 0 : RunningStandardizer.fromBytes(snapshot.normalizer()).count();
  }

  /** The last committed snapshot so far, or null when there is none. */
  static ModelSnapshot latestSnapshot(String bootstrapServers) {
    ModelSnapshot latest = null;
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrapServers)) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          latest = ModelSnapshot.fromBytes(r.value());
        }
      }
    }
    return latest;
  }

  /** Waits until a committed snapshot has trained at least {@code samples} samples. */
  static void awaitTrained(String bootstrapServers, long samples, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      ModelSnapshot latest = latestSnapshot(bootstrapServers);
      if (latest != null && latest.samplesTrained() >= samples) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no snapshot with " + samples + " samples trained in " + timeout);
  }

  /** The end offset of the snapshots topic: where a snapshot published from now on will be. */
  static long snapshotsEnd(String bootstrapServers) {
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrapServers)) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      return consumer.endOffsets(List.of(partition)).get(partition);
    }
  }

  /**
   * The first committed snapshot at or after {@code fromOffset} whose normalizer has seen every
   * training record: each one learned exactly once. Fails at once on a snapshot whose normalizer
   * has seen more (a record learned twice), and on time out (a record never learned).
   */
  static ModelSnapshot awaitAllLearned(
      String bootstrapServers, long fromOffset, long trainingRecords, Duration timeout) {
    long lastSeen = -1;
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrapServers)) {
      TopicPartition partition = new TopicPartition(Topics.SNAPSHOTS, 0);
      consumer.assign(List.of(partition));
      consumer.seek(partition, fromOffset);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ModelSnapshot s = ModelSnapshot.fromBytes(r.value());
          long seen = seen(s);
          lastSeen = seen;
          assertTrue(seen <= trainingRecords, "a training record was learned twice: " + seen);
          if (seen == trainingRecords) {
            return s;
          }
        }
      }
    }
    throw new AssertionError(
        "not every training record was learned within "
            + timeout
            + "; last snapshot seen "
            + lastSeen
            + " of "
            + trainingRecords);
  }

  /**
   * The final snapshot of an undisturbed trainer (in this JVM, application id {@code reference})
   * over the same samples topic: the bits a disturbed run must end with.
   */
  static ModelSnapshot undisturbedRun(
      String bootstrapServers, Path stateDir, long trainingRecords) {
    long from = snapshotsEnd(bootstrapServers);
    Pipeline reference =
        new Pipeline(
            bootstrapServers,
            Map.of(Sample.DEFAULT_MODEL, SPEC),
            SETTINGS,
            "reference",
            stateDir,
            Map.of(),
            -1,
            Role.TRAINER);
    try {
      return awaitAllLearned(bootstrapServers, from, trainingRecords, Duration.ofSeconds(120));
    } finally {
      reference.stop();
    }
  }

  /**
   * Reads the predictions topic from its start until every key of {@code requests} has an answer.
   *
   * @return the number of answers per key (more than 1: answered again after a failure)
   * @throws AssertionError naming how many requests (and a few of them) are unanswered on time out
   */
  static Map<String, Integer> awaitAnswers(
      String bootstrapServers, Set<String> requests, Duration timeout) {
    Map<String, Integer> answers = new HashMap<>();
    Set<String> missing = new TreeSet<>(requests);
    try (KafkaConsumer<byte[], byte[]> consumer = Pipeline.committedReader(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer, Topics.PREDICTIONS);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!missing.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String id = parse(r.value()).get("id").asText();
          answers.merge(id, 1, Integer::sum);
          missing.remove(id);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new AssertionError(
          missing.size()
              + " of "
              + requests.size()
              + " prediction requests unanswered after "
              + timeout
              + ", for instance "
              + missing.stream().limit(10).toList());
    }
    return answers;
  }

  /** Every partition of {@code topic}. */
  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
  }

  /** A prediction's JSON. */
  static JsonNode parse(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Which member of a consumer group owns each partition of {@code topic}, by the member's client
   * id prefix (the {@code client.id} given to its process); partitions not assigned are absent.
   */
  static Map<Integer, String> owners(String bootstrapServers, String groupId, String topic)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    Map<Integer, String> owners = new HashMap<>();
    try (Admin admin = Admin.create(props)) {
      ConsumerGroupDescription group =
          admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get();
      for (MemberDescription member : group.members()) {
        String process = member.clientId().replaceFirst("-StreamThread-.*", "");
        for (TopicPartition p : member.assignment().topicPartitions()) {
          if (p.topic().equals(topic)) {
            owners.put(p.partition(), process);
          }
        }
      }
    }
    return owners;
  }

  /** Waits until {@link #owners} of the group and topic equal {@code expected}. */
  static void awaitOwners(
      String bootstrapServers,
      String groupId,
      String topic,
      Map<Integer, String> expected,
      Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, String> owners = Map.of();
    while (System.nanoTime() < deadline) {
      owners = owners(bootstrapServers, groupId, topic);
      if (owners.equals(expected)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        topic
            + " owned by "
            + owners
            + " in "
            + groupId
            + ", not "
            + expected
            + ", after "
            + timeout);
  }
}
