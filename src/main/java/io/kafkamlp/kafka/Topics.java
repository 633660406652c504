package io.kafkamlp.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of kafka-mlp's topics (as declared in {@code topics/}) and their creation.
 *
 * <p>Creation only ever adds what is missing: a topic that exists is left exactly as it is
 * (partitions, replication, configs), and a topic created concurrently by another instance counts
 * as existing.
 */
public final class Topics {

  /** Input: labeled samples (training, validation) and unlabeled ones (prediction requests). */
  public static final String SAMPLES = "samples";

  /** Output of the server app: one prediction JSON per unlabeled sample. */
  public static final String PREDICTIONS = "predictions";

  /** Rejected samples: the original bytes, headers {@code error.reason} and {@code error.stage}. */
  public static final String DLQ = "samples-dlq";

  /** Compacted, key = model name: the latest snapshot of each model. */
  public static final String SNAPSHOTS = "model-snapshots";

  private static final Logger log = LoggerFactory.getLogger(Topics.class);
  private static final long VISIBILITY_BACKOFF_MS = 20;

  private Topics() {}

  /**
   * Creates the declared topics that do not exist yet, as declared, and returns once the cluster
   * serves them (a Kafka Streams app started next finds its source topics).
   *
   * @return the names of the topics this call created (empty when all existed)
   * @throws IllegalArgumentException if two declarations have the same name
   * @throws TimeoutException if the cluster did not answer within {@code timeout}
   * @throws KafkaException if a creation failed for another reason than the topic existing (for
   *     example a replication factor above the broker count: see {@link
   *     #createMissingCappedToBrokers})
   */
  public static Set<String> createMissing(
      Admin admin, List<TopicDeclaration> declarations, Duration timeout) {
    long deadline = deadline(timeout);
    Set<String> names = new HashSet<>();
    for (TopicDeclaration declaration : declarations) {
      if (!names.add(declaration.name())) {
        throw new IllegalArgumentException("topic " + declaration.name() + " declared twice");
      }
    }
    Set<String> existing =
        get(
            admin.listTopics(new ListTopicsOptions().timeoutMs(millisLeft(deadline))).names(),
            deadline,
            "listing topics");
    List<NewTopic> missing = new ArrayList<>();
    for (TopicDeclaration declaration : declarations) {
      if (!existing.contains(declaration.name())) {
        missing.add(declaration.toNewTopic());
      }
    }
    if (missing.isEmpty()) {
      return Set.of();
    }
    Map<String, KafkaFuture<Void>> results =
        admin
            .createTopics(missing, new CreateTopicsOptions().timeoutMs(millisLeft(deadline)))
            .values();
    Set<String> created = new TreeSet<>();
    for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
      try {
        get(result.getValue(), deadline, "creating topic " + result.getKey());
        created.add(result.getKey());
      } catch (KafkaException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    // The ones another client created meanwhile too: they may be as new as ours.
    awaitVisible(admin, results.keySet(), deadline);
    if (!created.isEmpty()) {
      log.info("Created topics {}", created);
    }
    return Collections.unmodifiableSet(created);
  }

  /**
   * {@link #createMissing}, with each replication factor lowered to the number of brokers in the
   * cluster if above it: the declarations ask for 3, a one-node (embedded or docker-compose)
   * cluster gets 1.
   *
   * @return the names of the topics this call created
   */
  public static Set<String> createMissingCappedToBrokers(
      Admin admin, List<TopicDeclaration> declarations, Duration timeout) {
    long deadline = deadline(timeout);
    int brokers =
        get(
                admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(millisLeft(deadline)))
                    .nodes(),
                deadline,
                "describing the cluster")
            .size();
    List<TopicDeclaration> capped = new ArrayList<>();
    for (TopicDeclaration declaration : declarations) {
      capped.add(declaration.withReplicationFactorAtMost(Math.max(1, brokers)));
    }
    return createMissing(admin, capped, Duration.ofMillis(millisLeft(deadline)));
  }

  /**
   * The number of partitions of {@code topic}.
   *
   * @throws KafkaException if the topic does not exist or cannot be described in time
   */
  public static int partitionCount(Admin admin, String topic, Duration timeout) {
    long deadline = deadline(timeout);
    return get(
            admin
                .describeTopics(
                    List.of(topic), new DescribeTopicsOptions().timeoutMs(millisLeft(deadline)))
                .allTopicNames(),
            deadline,
            "describing " + topic)
        .get(topic)
        .partitions()
        .size();
  }

  /**
   * Waits until the broker the Admin client asks knows the created topics: the creation completes
   * when the controller has committed it, a moment before brokers serve the topic's metadata, and
   * in that moment a describe, or a Kafka Streams app checking its source topics, sees the topic
   * missing.
   */
  private static void awaitVisible(Admin admin, Set<String> topics, long deadline) {
    while (true) {
      try {
        get(
            admin
                .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(millisLeft(deadline)))
                .allTopicNames(),
            deadline,
            "describing the created topics " + topics);
        return;
      } catch (KafkaException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || millisLeft(deadline) <= VISIBILITY_BACKOFF_MS) {
          throw e;
        }
      }
      try {
        Thread.sleep(VISIBILITY_BACKOFF_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
  }

  private static long deadline(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    return System.nanoTime() + timeout.toNanos();
  }

  private static int millisLeft(long deadline) {
    long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, millis));
  }

  /**
   * The future's value by the deadline. A failure is rethrown as a {@link KafkaException} whose
   * cause is the Admin client's exception (for example {@link TopicExistsException}).
   */
  private static <T> T get(KafkaFuture<T> future, long deadline, String what) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TimeoutException(what + " timed out", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException timeout) {
        throw new TimeoutException(what + " timed out: " + timeout.getMessage(), timeout);
      }
      throw new KafkaException(what + " failed: " + cause.getMessage(), cause);
    }
  }
}
