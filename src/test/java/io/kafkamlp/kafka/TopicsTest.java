package io.kafkamlp.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic creation against the embedded broker (one for the class, temporary data). */
class TopicsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.start(0, null);
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldCreateOnlyMissingTopicsAndLeaveAnExistingOneAlone() throws Exception {
    // Given: samples exists already, with another partition count than declared
    String prefix = "only-missing-";
    List<TopicDeclaration> declarations = prefixed(prefix, TopicDeclaration.load());
    admin
        .createTopics(List.of(new NewTopic(prefix + Topics.SAMPLES, 2, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);

    // When
    Set<String> first = Topics.createMissingCappedToBrokers(admin, declarations, TIMEOUT);
    Set<String> second = Topics.createMissingCappedToBrokers(admin, declarations, TIMEOUT);

    // Then
    assertEquals(
        Set.of(prefix + Topics.PREDICTIONS, prefix + Topics.DLQ, prefix + Topics.SNAPSHOTS), first);
    assertEquals(Set.of(), second, "idempotent");
    Map<String, TopicDescription> topics =
        admin
            .describeTopics(declarations.stream().map(TopicDeclaration::name).toList())
            .allTopicNames()
            .get(30, TimeUnit.SECONDS);
    assertEquals(2, topics.get(prefix + Topics.SAMPLES).partitions().size(), "left alone");
    assertEquals(4, topics.get(prefix + Topics.DLQ).partitions().size(), "as declared");
    assertEquals(1, topics.get(prefix + Topics.SNAPSHOTS).partitions().size());
    assertEquals(
        1, topics.get(prefix + Topics.PREDICTIONS).partitions().get(0).replicas().size(), "capped");
  }

  @Test
  void shouldCountTheSamplesPartitionsThatDecideTheTrainingRoute() throws Exception {
    // created as the pipeline creates topics, which waits until the broker serves their metadata:
    // a describe right after a bare createTopics can still find the topic unknown
    Topics.createMissing(admin, List.of(new TopicDeclaration("counted", 3, 1, Map.of())), TIMEOUT);

    assertEquals(3, Topics.partitionCount(admin, "counted", TIMEOUT));
    KafkaException missing =
        assertThrows(
            KafkaException.class, () -> Topics.partitionCount(admin, "never-created", TIMEOUT));
    assertTrue(
        missing.getMessage().startsWith("describing never-created failed"), missing.getMessage());
  }

  @Test
  void shouldCreateTheSnapshotsTopicWithItsDeclaredConfigs() throws Exception {
    // Given
    List<TopicDeclaration> declarations = prefixed("configs-", TopicDeclaration.load());

    // When
    Topics.createMissingCappedToBrokers(admin, declarations, TIMEOUT);

    // Then
    ConfigResource resource =
        new ConfigResource(ConfigResource.Type.TOPIC, "configs-" + Topics.SNAPSHOTS);
    Config config =
        admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    assertEquals("compact", config.get("cleanup.policy").value());
    assertEquals("16777216", config.get("max.message.bytes").value());
    assertEquals("0", config.get("min.compaction.lag.ms").value());
  }

  @Test
  void shouldFailOnReplicationAboveTheBrokerCountWhenNotCapped() {
    // Given
    List<TopicDeclaration> declarations =
        List.of(new TopicDeclaration("not-capped", 1, 3, Map.of()));

    // When
    KafkaException e =
        assertThrows(
            KafkaException.class, () -> Topics.createMissing(admin, declarations, TIMEOUT));

    // Then
    assertInstanceOf(InvalidReplicationFactorException.class, e.getCause());
  }

  @Test
  void shouldRejectTwoDeclarationsOfOneTopic() {
    TopicDeclaration declaration = new TopicDeclaration("twice", 1, 1, Map.of());
    assertThrows(
        IllegalArgumentException.class,
        () -> Topics.createMissing(admin, List.of(declaration, declaration), TIMEOUT));
  }

  private static List<TopicDeclaration> prefixed(
      String prefix, List<TopicDeclaration> declarations) {
    return declarations.stream()
        .map(
            d ->
                new TopicDeclaration(
                    prefix + d.name(), d.partitions(), d.replicationFactor(), d.configs()))
        .toList();
  }
}
