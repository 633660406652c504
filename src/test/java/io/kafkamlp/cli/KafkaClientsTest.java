package io.kafkamlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base properties of every Kafka client: the file's settings under kafka-mlp's own. */
class KafkaClientsTest {

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void shouldGiveEveryClientTheFileSettingsAndTheBootstrapServers() throws Exception {
    // Given
    Path file =
        file(
            "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=PLAIN\n"
                + "ssl.truststore.location=/etc/kafka/truststore.jks\n"
                + "linger.ms = 7 \n");

    // When
    Properties props = KafkaClients.fromFile("k:9093", file).properties();

    // Then
    assertEquals("SASL_SSL", props.get("security.protocol"));
    assertEquals("PLAIN", props.get("sasl.mechanism"));
    assertEquals("/etc/kafka/truststore.jks", props.get("ssl.truststore.location"));
    assertEquals("7", props.get("linger.ms"), "values are trimmed");
    assertEquals("k:9093", props.get("bootstrap.servers"));
  }

  @Test
  void shouldLetKafkaMlpOwnSettingsWinOverTheFileWhenBothSetAKey() throws Exception {
    // Given
    KafkaClients kafka = KafkaClients.fromFile("k:9092", file("linger.ms=7\nacks=1\n"));

    // When
    Properties props = kafka.properties(Map.of("linger.ms", 20));

    // Then
    assertEquals(20, props.get("linger.ms"));
    assertEquals("1", props.get("acks"));
  }

  @Test
  void shouldRefuseAFileThatSetsBootstrapServers() throws Exception {
    Path file = file("bootstrap.servers=elsewhere:9092\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaClients.fromFile("k:9092", file));

    assertTrue(e.getMessage().contains("--bootstrap-servers"), e.getMessage());
  }

  @Test
  void shouldNameTheFileWhenItCannotBeRead() {
    Path missing = dir.resolve("missing.properties");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaClients.fromFile("k:9092", missing));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void shouldBePlainWhenNoFileIsGiven() {
    Properties props = KafkaClients.fromFile("k:9092", null).properties();

    assertEquals(1, props.size());
    assertEquals("k:9092", props.get("bootstrap.servers"));
  }
}
