package io.kafkamlp.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The declarations in {@code topics/}, read from the classpath; no broker. */
class TopicDeclarationTest {

  @Test
  void shouldLoadTheFourDeclaredTopicsInListOrder() {
    // When
    List<TopicDeclaration> declarations = TopicDeclaration.load();

    // Then
    assertEquals(
        List.of(Topics.SAMPLES, Topics.PREDICTIONS, Topics.DLQ, Topics.SNAPSHOTS),
        declarations.stream().map(TopicDeclaration::name).toList());
    for (TopicDeclaration declaration : declarations) {
      assertEquals(3, declaration.replicationFactor(), declaration.name());
    }
  }

  @Test
  void shouldGiveSamplesOnePartitionAndPredictionsAsMany() {
    // When
    Map<String, TopicDeclaration> byName = byName(TopicDeclaration.load());

    // Then: one samples partition, for reproducible training without a repartition topic
    assertEquals(1, byName.get(Topics.SAMPLES).partitions());
    assertEquals(
        byName.get(Topics.SAMPLES).partitions(), byName.get(Topics.PREDICTIONS).partitions());
    assertEquals(4, byName.get(Topics.DLQ).partitions());
    assertEquals(Map.of(), byName.get(Topics.SAMPLES).configs());
  }

  @Test
  void shouldDeclareSnapshotsCompactedWithRoomForAMultiMegabyteModel() {
    // When
    TopicDeclaration snapshots = byName(TopicDeclaration.load()).get(Topics.SNAPSHOTS);

    // Then
    assertEquals(1, snapshots.partitions());
    assertEquals("compact", snapshots.configs().get("cleanup.policy"));
    assertEquals("0", snapshots.configs().get("min.compaction.lag.ms"));
    int maxMessageBytes = Integer.parseInt(snapshots.configs().get("max.message.bytes"));
    int defaultModelBytes = 4 * (784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    assertTrue(maxMessageBytes >= 4 * defaultModelBytes, "room for params and state");
    assertEquals(16 * 1024 * 1024, maxMessageBytes);
  }

  @Test
  void shouldAddOrReplaceOneConfigWhenWithConfig() {
    // Given
    TopicDeclaration dlq = byName(TopicDeclaration.load()).get(Topics.DLQ);

    // When
    TopicDeclaration sized = dlq.withConfig("max.message.bytes", "2162688");
    TopicDeclaration resized = sized.withConfig("max.message.bytes", "1114112");

    // Then
    assertEquals("2162688", sized.configs().get("max.message.bytes"));
    assertEquals("1114112", resized.configs().get("max.message.bytes"));
    assertEquals(dlq.configs().size() + 1, resized.configs().size());
    assertEquals(dlq.partitions(), resized.partitions());
  }

  @Test
  void shouldMapConfigPrefixedKeysToTopicConfigs() {
    // Given
    Properties properties = properties("name=t", "partitions=2", "replication.factor=1");
    properties.setProperty("config.retention.ms", " 1000 ");

    // When
    TopicDeclaration declaration = TopicDeclaration.parse("t.properties", properties);

    // Then
    assertEquals(new TopicDeclaration("t", 2, 1, Map.of("retention.ms", "1000")), declaration);
    assertEquals(Map.of("retention.ms", "1000"), declaration.toNewTopic().configs());
    assertEquals(1, declaration.toNewTopic().replicationFactor());
  }

  @Test
  void shouldRejectUnknownMissingOrInvalidKeysNamingTheFile() {
    assertMessage(
        "t.properties: unknown key retention.ms",
        properties("name=t", "partitions=1", "replication.factor=1", "retention.ms=1"));
    assertMessage("t.properties: partitions missing", properties("name=t", "replication.factor=1"));
    assertMessage(
        "t.properties: partitions is not an integer: four",
        properties("name=t", "partitions=four", "replication.factor=1"));
    assertMessage(
        "t.properties: t: partitions must be at least 1: 0",
        properties("name=t", "partitions=0", "replication.factor=1"));
  }

  @Test
  void shouldCapTheReplicationFactorAtTheBrokerCount() {
    // Given
    TopicDeclaration declaration = new TopicDeclaration("t", 4, 3, Map.of("a", "b"));

    // When / Then
    assertEquals(
        new TopicDeclaration("t", 4, 1, Map.of("a", "b")),
        declaration.withReplicationFactorAtMost(1));
    assertSame(declaration, declaration.withReplicationFactorAtMost(5));
  }

  private static void assertMessage(String prefix, Properties properties) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TopicDeclaration.parse("t.properties", properties));
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }

  private static Properties properties(String... lines) {
    Properties properties = new Properties();
    for (String line : lines) {
      int eq = line.indexOf('=');
      properties.setProperty(line.substring(0, eq), line.substring(eq + 1));
    }
    return properties;
  }

  private static Map<String, TopicDeclaration> byName(List<TopicDeclaration> declarations) {
    return declarations.stream()
        .collect(java.util.stream.Collectors.toMap(TopicDeclaration::name, d -> d));
  }
}
