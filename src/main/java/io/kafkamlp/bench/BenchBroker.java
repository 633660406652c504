package io.kafkamlp.bench;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A fresh embedded broker for one measurement, the same kind {@code run} starts, with kafka-mlp's
 * declared topics (and any extra ones) created. {@link #close} stops it and deletes its directory,
 * so that runs neither see each other's records nor fill the disk.
 */
final class BenchBroker implements AutoCloseable {

  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedKafka broker;
  private final Path dir;

  private BenchBroker(EmbeddedKafka broker, Path dir) {
    this.broker = broker;
    this.dir = dir;
  }

  /** Starts a broker on a free port in {@code dir} (which must not hold another node's data). */
  static BenchBroker start(Path dir, List<TopicDeclaration> extraTopics) {
    EmbeddedKafka broker = EmbeddedKafka.start(0, dir);
    try {
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      List<TopicDeclaration> topics = new ArrayList<>(TopicDeclaration.load());
      topics.addAll(extraTopics);
      try (Admin admin = Admin.create(props)) {
        Topics.createMissingCappedToBrokers(admin, topics, TOPIC_TIMEOUT);
      }
      return new BenchBroker(broker, dir);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public void close() {
    broker.close();
    WorkDirs.delete(dir);
  }
}
